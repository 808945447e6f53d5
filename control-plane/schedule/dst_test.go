package schedule

import (
	"slices"
	"testing"
	"time"
)

// Transitions used below (2024):
//
//	America/New_York     10 March 02:00 EST → 03:00 EDT; 3 November 02:00 EDT → 01:00 EST
//	Europe/Berlin        31 March 02:00 CET → 03:00 CEST; 27 October 03:00 CEST → 02:00 CET
//	Australia/Lord_Howe  7 April 02:00 +11 → 01:30 +10:30; 6 October 02:00 +10:30 → 02:30 +11
func TestSchedule_NextDaylightSaving(t *testing.T) {
	tests := []struct {
		name, tz, intervals, from string
		want                      []string
	}{
		// Rules whose hour field covers the day follow the clock's reading:
		// both passes through a repeated hour fire, a skipped hour does not.
		{"hourly, New York, clocks back", "America/New_York", `[{"field":"hours","triggerAtMinute":30}]`, "2024-11-03T00:00:00-04:00",
			[]string{"2024-11-03T00:30:13-04:00", "2024-11-03T01:30:13-04:00", "2024-11-03T01:30:13-05:00", "2024-11-03T02:30:13-05:00", "2024-11-03T03:30:13-05:00"}},
		{"hourly, New York, clocks forward", "America/New_York", `[{"field":"hours","triggerAtMinute":30}]`, "2024-03-10T00:00:00-05:00",
			[]string{"2024-03-10T00:30:13-05:00", "2024-03-10T01:30:13-05:00", "2024-03-10T03:30:13-04:00", "2024-03-10T04:30:13-04:00"}},
		{"hourly, Berlin, clocks back", "Europe/Berlin", `[{"field":"hours","triggerAtMinute":30}]`, "2024-10-27T01:00:00+02:00",
			[]string{"2024-10-27T01:30:13+02:00", "2024-10-27T02:30:13+02:00", "2024-10-27T02:30:13+01:00", "2024-10-27T03:30:13+01:00"}},
		{"every 30 minutes by cron, New York, clocks back", "America/New_York", `[{"field":"cronExpression","expression":"*/30 * * * *"}]`, "2024-11-03T00:45:00-04:00",
			[]string{"2024-11-03T01:00:00-04:00", "2024-11-03T01:30:00-04:00", "2024-11-03T01:00:00-05:00", "2024-11-03T01:30:00-05:00", "2024-11-03T02:00:00-05:00"}},
		{"every 30 minutes by cron, New York, clocks forward", "America/New_York", `[{"field":"cronExpression","expression":"*/30 * * * *"}]`, "2024-03-10T00:45:00-05:00",
			[]string{"2024-03-10T01:00:00-05:00", "2024-03-10T01:30:00-05:00", "2024-03-10T03:00:00-04:00", "2024-03-10T03:30:00-04:00"}},
		{"every 30 seconds, New York, clocks back", "America/New_York", `[{"field":"seconds"}]`, "2024-11-03T01:59:00-04:00",
			[]string{"2024-11-03T01:59:30-04:00", "2024-11-03T01:00:00-05:00", "2024-11-03T01:00:30-05:00"}},
		{"hourly at :45, Lord Howe, clocks back half an hour", "Australia/Lord_Howe", `[{"field":"hours","triggerAtMinute":45}]`, "2024-04-07T00:00:00+11:00",
			[]string{"2024-04-07T00:45:13+11:00", "2024-04-07T01:45:13+11:00", "2024-04-07T01:45:13+10:30", "2024-04-07T02:45:13+10:30"}},
		{"hourly at :15, Lord Howe, clocks forward half an hour", "Australia/Lord_Howe", `[{"field":"hours","triggerAtMinute":15}]`, "2024-10-06T00:00:00+10:30",
			[]string{"2024-10-06T00:15:13+10:30", "2024-10-06T01:15:13+10:30", "2024-10-06T03:15:13+11:00"}},

		// Times of day fire once: a repeated time at its first occurrence, a
		// skipped time at the instant the clock jumps.
		{"daily 02:30, New York, clocks forward", "America/New_York", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":30}]`, "2024-03-09T00:00:00-05:00",
			[]string{"2024-03-09T02:30:13-05:00", "2024-03-10T03:00:00-04:00", "2024-03-11T02:30:13-04:00"}},
		{"daily 01:30, New York, clocks back", "America/New_York", `[{"field":"days","triggerAtHour":1,"triggerAtMinute":30}]`, "2024-11-02T00:00:00-04:00",
			[]string{"2024-11-02T01:30:13-04:00", "2024-11-03T01:30:13-04:00", "2024-11-04T01:30:13-05:00"}},
		{"cron 01:30, New York, clocks back", "America/New_York", `[{"field":"cronExpression","expression":"30 1 * * *"}]`, "2024-11-02T12:00:00-04:00",
			[]string{"2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"}},
		{"cron at 02:00, 02:20, 02:40, New York, clocks forward: once at 03:00", "America/New_York",
			`[{"field":"cronExpression","expression":"0 */20 2 * * *"}]`, "2024-03-09T12:00:00-05:00",
			[]string{"2024-03-10T03:00:00-04:00", "2024-03-11T02:00:00-04:00", "2024-03-11T02:20:00-04:00"}},
		{"cron every minute of hour 1, New York, clocks back: first pass only", "America/New_York",
			`[{"field":"cronExpression","expression":"58-59 1 * * *"}]`, "2024-11-03T01:30:00-04:00",
			[]string{"2024-11-03T01:58:00-04:00", "2024-11-03T01:59:00-04:00", "2024-11-04T01:58:00-05:00"}},
		{"every 2 hours, Berlin, clocks back: the repeated 02:30 fires once", "Europe/Berlin",
			`[{"field":"hours","hoursInterval":2,"triggerAtMinute":30}]`, "2024-10-27T00:00:00+02:00",
			[]string{"2024-10-27T00:30:13+02:00", "2024-10-27T02:30:13+02:00", "2024-10-27T04:30:13+01:00"}},
		{"every 2 hours, Berlin, clocks forward: the skipped 02:30 fires at 03:00", "Europe/Berlin",
			`[{"field":"hours","hoursInterval":2,"triggerAtMinute":30}]`, "2024-03-31T00:00:00+01:00",
			[]string{"2024-03-31T00:30:13+01:00", "2024-03-31T03:00:00+02:00", "2024-03-31T04:30:13+02:00"}},
		{"daily 02:30, Berlin, clocks forward", "Europe/Berlin", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":30}]`, "2024-03-30T00:00:00+01:00",
			[]string{"2024-03-30T02:30:13+01:00", "2024-03-31T03:00:00+02:00", "2024-04-01T02:30:13+02:00"}},
		{"Sundays 02:15, Berlin, clocks back", "Europe/Berlin", `[{"field":"weeks","triggerAtDay":[0],"triggerAtHour":2,"triggerAtMinute":15}]`, "2024-10-19T00:00:00+02:00",
			[]string{"2024-10-20T02:15:13+02:00", "2024-10-27T02:15:13+02:00", "2024-11-03T02:15:13+01:00"}},
		{"daily 02:15, Lord Howe, clocks forward half an hour", "Australia/Lord_Howe", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":15}]`, "2024-10-05T00:00:00+10:30",
			[]string{"2024-10-05T02:15:13+10:30", "2024-10-06T02:30:00+11:00", "2024-10-07T02:15:13+11:00"}},
		{"daily 01:45, Lord Howe, clocks back half an hour", "Australia/Lord_Howe", `[{"field":"days","triggerAtHour":1,"triggerAtMinute":45}]`, "2024-04-06T00:00:00+11:00",
			[]string{"2024-04-06T01:45:13+11:00", "2024-04-07T01:45:13+11:00", "2024-04-08T01:45:13+10:30"}},
		{"months on the 31st at 02:30, Berlin, the night clocks go forward", "Europe/Berlin",
			`[{"field":"months","triggerAtDayOfMonth":31,"triggerAtHour":2,"triggerAtMinute":30}]`, "2024-02-01T00:00:00+01:00",
			[]string{"2024-03-31T03:00:00+02:00", "2024-05-31T02:30:13+02:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.tz, tt.intervals)
			if got := firings(s, ts(t, tt.from), len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("%s\n got %q\nwant %q", s, got, tt.want)
			}
		})
	}
}

// Across a whole year, with both transitions in it: no instant repeats, a
// time of day fires on every date exactly once, and an hourly rule fires
// once per elapsed hour.
func TestSchedule_NextYearRound(t *testing.T) {
	tests := []struct {
		tz, intervals string
		want          int
		// perDate: exactly one firing per local date; hourly: consecutive
		// firings one hour apart.
		perDate, hourly bool
	}{
		{"America/New_York", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":30}]`, 366, true, false},
		{"America/New_York", `[{"field":"days","triggerAtHour":1,"triggerAtMinute":30}]`, 366, true, false},
		{"Europe/Berlin", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":30}]`, 366, true, false},
		{"Australia/Lord_Howe", `[{"field":"days","triggerAtHour":1,"triggerAtMinute":45}]`, 366, true, false},
		{"Australia/Lord_Howe", `[{"field":"days","triggerAtHour":2,"triggerAtMinute":15}]`, 366, true, false},
		{"America/New_York", `[{"field":"cronExpression","expression":"0 30 2 * * *"}]`, 366, true, false},
		{"America/New_York", `[{"field":"hours","triggerAtMinute":30}]`, 366 * 24, false, true},
		{"Europe/Berlin", `[{"field":"hours","triggerAtMinute":30}]`, 366 * 24, false, true},
		{"Europe/Berlin", `[{"field":"cronExpression","expression":"0 0 * * * *"}]`, 366 * 24, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.tz+" "+tt.intervals, func(t *testing.T) {
			s := mustParse(t, tt.tz, tt.intervals)
			loc := s.Location()
			start := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Add(-time.Second)
			end := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
			dates := map[string]int{}
			n := 0
			var prev time.Time
			for at := s.Next(start); at.Before(end); at = s.Next(at) {
				if !prev.IsZero() && !at.After(prev) {
					t.Fatalf("%v does not follow %v", at, prev)
				}
				if tt.hourly && !prev.IsZero() && at.Sub(prev) != time.Hour {
					t.Errorf("%v follows %v by %v", at, prev, at.Sub(prev))
				}
				dates[at.In(loc).Format(time.DateOnly)]++
				prev = at
				n++
			}
			if n != tt.want {
				t.Errorf("%d firings in 2024, want %d", n, tt.want)
			}
			if tt.perDate {
				for d, c := range dates {
					if c != 1 {
						t.Errorf("%s: %d firings", d, c)
					}
				}
			}
		})
	}
}
