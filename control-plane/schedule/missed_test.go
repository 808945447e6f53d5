package schedule

import (
	"testing"
	"time"
)

func TestSchedule_Missed(t *testing.T) {
	const (
		daily    = `[{"field":"cronExpression","expression":"0 0 9 * * *"}]`
		minutely = `[{"field":"cronExpression","expression":"0 * * * * *"}]`
	)
	tests := []struct {
		name, tz, intervals string
		grace               time.Duration
		lastFired, now      string
		fire                bool
		at                  string
	}{
		{"five days down: only today's 09:00, 30 minutes late", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-10T09:00:00+01:00", "2024-01-15T09:30:00+01:00", true, "2024-01-15T09:00:00+01:00"},
		{"the latest is 90 minutes late: skipped", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-10T09:00:00+01:00", "2024-01-15T10:30:00+01:00", false, ""},
		{"exactly the grace window late", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-10T09:00:00+01:00", "2024-01-15T10:00:00+01:00", true, "2024-01-15T09:00:00+01:00"},
		{"a second past the grace window", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-10T09:00:00+01:00", "2024-01-15T10:00:01+01:00", false, ""},
		{"a wider grace window", "Europe/Berlin", daily, 2 * time.Hour,
			"2024-01-10T09:00:00+01:00", "2024-01-15T10:30:00+01:00", true, "2024-01-15T09:00:00+01:00"},
		{"catching up is off", "Europe/Berlin", daily, 0,
			"2024-01-10T09:00:00+01:00", "2024-01-15T09:30:00+01:00", false, ""},
		{"nothing due since the last firing", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-15T09:00:00+01:00", "2024-01-15T09:30:00+01:00", false, ""},
		{"due exactly now", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-14T09:00:00+01:00", "2024-01-15T09:00:00+01:00", true, "2024-01-15T09:00:00+01:00"},
		{"now before the last firing", "Europe/Berlin", daily, DefaultGrace,
			"2024-01-15T09:00:00+01:00", "2024-01-14T09:30:00+01:00", false, ""},
		{"a day of minutes: the last one only", "UTC", minutely, DefaultGrace,
			"2024-01-14T10:00:00Z", "2024-01-15T10:00:30Z", true, "2024-01-15T10:00:00Z"},
		{"never fired", "UTC", `[{"field":"seconds"}]`, 24 * time.Hour,
			"0001-01-01T00:00:00Z", "2024-01-15T10:00:45.5Z", true, "2024-01-15T10:00:30Z"},
		{"a skipped 02:30 fired at 03:00", "America/New_York", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":30}]`, DefaultGrace,
			"2024-03-09T02:30:13-05:00", "2024-03-10T03:20:00-04:00", true, "2024-03-10T03:00:00-04:00"},
		{"a dense hour long ago", "UTC", `[{"field":"cronExpression","expression":"* * 1 * * *"}]`, 3 * time.Hour,
			"2024-01-01T00:00:00Z", "2024-01-15T03:00:00Z", true, "2024-01-15T01:59:59Z"},
		{"monthly, a long grace window", "UTC", `[{"field":"months"}]`, 40 * 24 * time.Hour,
			"2024-01-01T00:00:13Z", "2024-03-20T00:00:00Z", true, "2024-03-01T00:00:13Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.tz, tt.intervals)
			s.Grace = tt.grace
			fire, at := s.Missed(ts(t, tt.lastFired), ts(t, tt.now))
			if fire != tt.fire {
				t.Fatalf("fire = %v (at %v), want %v", fire, at, tt.fire)
			}
			if !fire {
				if !at.IsZero() {
					t.Errorf("at = %v without a firing", at)
				}
				return
			}
			if want := ts(t, tt.at); !at.Equal(want) {
				t.Errorf("at = %v, want %v", at, want)
			}
		})
	}
}
