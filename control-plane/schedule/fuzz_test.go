package schedule

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/weftrun/weft/api"
)

var fuzzZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham"}

// FuzzSchedule_Next parses random cron expressions; for those that parse,
// Next must never panic, must return whole seconds strictly after its
// argument, and must be consistent: just before a firing, the next one is
// that firing.
func FuzzSchedule_Next(f *testing.F) {
	for _, seed := range []string{
		"* * * * * *", "*/7 * * * *", "30 1 * * *", "0 */20 2 * * *", "0 0 29 2 *", "0 0 12 13 * 5",
		"5/15 8-18/5 1,15 jan-mar mon-fri", "@hourly", "0 30 2 * * 0", "59 59 23 31 12 *", "0 0 * * 7",
	} {
		f.Add(seed, int64(1710000000), uint8(1))
	}
	f.Fuzz(func(t *testing.T, expr string, after int64, zone uint8) {
		params, _ := json.Marshal(map[string]any{"rule": map[string]any{"interval": []any{
			map[string]any{"field": "cronExpression", "expression": expr},
		}}})
		n := &api.WorkflowNode{ID: "n", Name: "Fuzz", Type: NodeType, TypeVersion: 1.3, Parameters: params}
		s, err := Parse(n, fuzzZones[int(zone)%len(fuzzZones)])
		if err != nil {
			return
		}
		const span = 300 * 365 * 24 * 3600 // 1900 to 2200
		base := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		at := time.Unix(base+(after%span+span)%span, int64(after%1e9+1e9)%1e9)
		for i := 0; i < 8; i++ {
			next := s.Next(at)
			if next.IsZero() {
				return
			}
			if !next.After(at) {
				t.Fatalf("%q in %s: Next(%v) = %v, not after it", expr, s.Location(), at, next)
			}
			if next.Nanosecond() != 0 {
				t.Fatalf("%q: Next(%v) = %v, not a whole second", expr, at, next)
			}
			if again := s.Next(next.Add(-time.Nanosecond)); !again.Equal(next) {
				t.Fatalf("%q in %s: Next(%v) = %v but Next(just before it) = %v", expr, s.Location(), at, next, again)
			}
			at = next
		}
	})
}

// FuzzSchedule_NextIntervals does the same for the interval rules, with
// random intervals, times, weekdays, timezones and anchors.
func FuzzSchedule_NextIntervals(f *testing.F) {
	f.Add(uint8(2), uint8(5), uint8(2), uint8(30), uint8(3), int64(1710000000), int64(0), uint8(2))
	f.Add(uint8(3), uint8(3), uint8(1), uint8(45), uint8(1), int64(1712400000), int64(1700000000), uint8(3))
	f.Add(uint8(5), uint8(7), uint8(2), uint8(15), uint8(31), int64(1711800000), int64(-86400*400), uint8(1))
	f.Fuzz(func(t *testing.T, kind, n, hour, minute, day uint8, after, anchor int64, zone uint8) {
		field := fields[int(kind)%6]
		rule := map[string]any{
			"field": field, "secondsInterval": int(n)%59 + 1, "minutesInterval": int(n)%59 + 1,
			"hoursInterval": int(n)%23 + 1, "daysInterval": int(n)%31 + 1, "weeksInterval": int(n)%9 + 1,
			"monthsInterval": int(n)%25 + 1, "triggerAtHour": int(hour) % 24, "triggerAtMinute": int(minute) % 60,
			"triggerAtDayOfMonth": int(day)%31 + 1, "triggerAtDay": []int{int(day) % 7, int(day) / 7 % 7},
		}
		params, _ := json.Marshal(map[string]any{"rule": map[string]any{"interval": []any{rule}}})
		node := &api.WorkflowNode{ID: "n", Name: "Fuzz", Type: NodeType, TypeVersion: 1.3, Parameters: params}
		const span = 300 * 365 * 24 * 3600
		base := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		s, err := Parse(node, fuzzZones[int(zone)%len(fuzzZones)], WithAnchor(time.Unix(base+(anchor%span+span)%span, 0)))
		if err != nil {
			t.Fatalf("%s: %v", params, err)
		}
		at := time.Unix(base+(after%span+span)%span, 0)
		for i := 0; i < 8; i++ {
			next := s.Next(at)
			if next.IsZero() {
				return
			}
			if !next.After(at) || next.Nanosecond() != 0 {
				t.Fatalf("%s in %s: Next(%v) = %v", params, s.Location(), at, next)
			}
			if again := s.Next(next.Add(-time.Nanosecond)); !again.Equal(next) {
				t.Fatalf("%s in %s: Next(%v) = %v but Next(just before it) = %v", params, s.Location(), at, next, again)
			}
			at = next
		}
	})
}
