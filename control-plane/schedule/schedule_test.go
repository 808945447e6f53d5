package schedule

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests need real zones wherever they run

	"github.com/weftrun/weft/api"
)

// triggerNode is a Schedule Trigger with the given rule.interval list. Its
// id "1" and no workflow id make n8n's filler second 13 (and filler minute
// 47), the values n8n's own tests show for that node key (":1").
func triggerNode(version float64, intervals string) *api.WorkflowNode {
	return &api.WorkflowNode{
		ID: "1", Name: "Schedule", Type: NodeType, TypeVersion: version,
		Parameters: json.RawMessage(`{"rule":{"interval":` + intervals + `}}`),
	}
}

func mustParse(t *testing.T, tz, intervals string, opts ...Option) *Schedule {
	t.Helper()
	s, err := Parse(triggerNode(1.3, intervals), tz, opts...)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// firings returns the next n firings after from, as RFC 3339 in the
// schedule's timezone.
func firings(s *Schedule, from time.Time, n int) []string {
	var out []string
	for at := from; len(out) < n; {
		at = s.Next(at)
		if at.IsZero() {
			break
		}
		out = append(out, at.In(s.Location()).Format(time.RFC3339))
	}
	return out
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchedule_Next(t *testing.T) {
	const monday = "2024-01-15T10:00:07+01:00" // Berlin, winter
	tests := []struct {
		name      string
		tz        string
		intervals string
		from      string
		want      []string
	}{
		{"seconds, default 30", "Europe/Berlin", `[{"field":"seconds"}]`, monday,
			[]string{"2024-01-15T10:00:30+01:00", "2024-01-15T10:01:00+01:00", "2024-01-15T10:01:30+01:00"}},
		{"seconds 45 is */45: 0 and 45", "Europe/Berlin", `[{"field":"seconds","secondsInterval":45}]`, monday,
			[]string{"2024-01-15T10:00:45+01:00", "2024-01-15T10:01:00+01:00", "2024-01-15T10:01:45+01:00"}},
		{"minutes, default 5, at the filler second", "Europe/Berlin", `[{"field":"minutes"}]`, monday,
			[]string{"2024-01-15T10:00:13+01:00", "2024-01-15T10:05:13+01:00", "2024-01-15T10:10:13+01:00"}},
		{"minutes as a numeric string", "Europe/Berlin", `[{"field":"minutes","minutesInterval":"20"}]`, monday,
			[]string{"2024-01-15T10:00:13+01:00", "2024-01-15T10:20:13+01:00", "2024-01-15T10:40:13+01:00"}},
		{"hours, default 1 at minute 0", "Europe/Berlin", `[{"field":"hours"}]`, monday,
			[]string{"2024-01-15T10:00:13+01:00", "2024-01-15T11:00:13+01:00", "2024-01-15T12:00:13+01:00"}},
		{"hours 6 at minute 30 is */6", "Europe/Berlin", `[{"field":"hours","hoursInterval":6,"triggerAtMinute":30}]`, monday,
			[]string{"2024-01-15T12:30:13+01:00", "2024-01-15T18:30:13+01:00", "2024-01-16T00:30:13+01:00"}},
		{"hours 5 counts elapsed hours from the anchor", "Europe/Berlin", `[{"field":"hours","hoursInterval":5}]`, monday,
			[]string{"2024-01-15T12:00:13+01:00", "2024-01-15T17:00:13+01:00", "2024-01-15T22:00:13+01:00", "2024-01-16T03:00:13+01:00"}},
		{"days, default every day at midnight", "Europe/Berlin", `[{"field":"days"}]`, monday,
			[]string{"2024-01-16T00:00:13+01:00", "2024-01-17T00:00:13+01:00"}},
		{"days 3 at 9:15 (day 19737 since 1970 is a multiple of 3)", "Europe/Berlin",
			`[{"field":"days","daysInterval":3,"triggerAtHour":9,"triggerAtMinute":15}]`, "2024-01-15T08:00:00+01:00",
			[]string{"2024-01-15T09:15:13+01:00", "2024-01-18T09:15:13+01:00", "2024-01-21T09:15:13+01:00"}},
		{"weeks, default Sunday at midnight", "Europe/Berlin", `[{"field":"weeks"}]`, monday,
			[]string{"2024-01-21T00:00:13+01:00", "2024-01-28T00:00:13+01:00"}},
		{"weeks 2 on Monday and Wednesday at 8:00", "Europe/Berlin",
			`[{"field":"weeks","weeksInterval":2,"triggerAtDay":[1,3],"triggerAtHour":8}]`, monday,
			[]string{"2024-01-17T08:00:13+01:00", "2024-01-29T08:00:13+01:00", "2024-01-31T08:00:13+01:00", "2024-02-12T08:00:13+01:00"}},
		{"weeks with no weekday is every day", "Europe/Berlin",
			`[{"field":"weeks","triggerAtDay":[],"triggerAtHour":23}]`, monday,
			[]string{"2024-01-15T23:00:13+01:00", "2024-01-16T23:00:13+01:00"}},
		{"months, default the 1st at midnight", "Europe/Berlin", `[{"field":"months"}]`, monday,
			[]string{"2024-02-01T00:00:13+01:00", "2024-03-01T00:00:13+01:00", "2024-04-01T00:00:13+02:00"}},
		{"months 3 on the 15th is January, April, July, October", "Europe/Berlin",
			`[{"field":"months","monthsInterval":3,"triggerAtDayOfMonth":15,"triggerAtHour":9}]`, monday,
			[]string{"2024-04-15T09:00:13+02:00", "2024-07-15T09:00:13+02:00", "2024-10-15T09:00:13+02:00", "2025-01-15T09:00:13+01:00"}},
		{"months on the 31st skip shorter months", "Europe/Berlin",
			`[{"field":"months","triggerAtDayOfMonth":31}]`, monday,
			[]string{"2024-01-31T00:00:13+01:00", "2024-03-31T00:00:13+01:00", "2024-05-31T00:00:13+02:00", "2024-07-31T00:00:13+02:00"}},
		{"cron, five fields: Sundays in January at 15:00", "Europe/Berlin",
			`[{"field":"cronExpression","expression":"0 15 * 1 sun"}]`, monday,
			[]string{"2024-01-21T15:00:00+01:00", "2024-01-28T15:00:00+01:00", "2025-01-05T15:00:00+01:00"}},
		{"cron with seconds and weekday names", "America/New_York",
			`[{"field":"cronExpression","expression":"*/20 30 9 * * mon-fri"}]`, "2024-01-19T09:30:15-05:00",
			[]string{"2024-01-19T09:30:20-05:00", "2024-01-19T09:30:40-05:00", "2024-01-22T09:30:00-05:00"}},
		{"cron day of month OR day of week", "America/New_York",
			`[{"field":"cronExpression","expression":"0 0 12 13 * 5"}]`, "2024-09-10T00:00:00-04:00",
			[]string{"2024-09-13T12:00:00-04:00", "2024-09-20T12:00:00-04:00", "2024-09-27T12:00:00-04:00",
				"2024-10-04T12:00:00-04:00", "2024-10-11T12:00:00-04:00", "2024-10-13T12:00:00-04:00"}},
		{"cron step from a start: 5/15", "UTC", `[{"field":"cronExpression","expression":"5/15 * * * *"}]`, "2024-01-15T10:00:00Z",
			[]string{"2024-01-15T10:05:00Z", "2024-01-15T10:20:00Z", "2024-01-15T10:35:00Z", "2024-01-15T10:50:00Z", "2024-01-15T11:05:00Z"}},
		{"cron 7 is Sunday", "UTC", `[{"field":"cronExpression","expression":"0 6 * * 7"}]`, "2024-01-15T10:00:00Z",
			[]string{"2024-01-21T06:00:00Z", "2024-01-28T06:00:00Z"}},
		{"cron preset @weekly", "UTC", `[{"field":"cronExpression","expression":"@weekly"}]`, "2024-01-15T10:00:00Z",
			[]string{"2024-01-21T00:00:00Z", "2024-01-28T00:00:00Z"}},
		{"cron 29 February", "UTC", `[{"field":"cronExpression","expression":"0 0 29 feb *"}]`, "2024-03-01T00:00:00Z",
			[]string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"several rules fire once at a shared instant", "UTC",
			`[{"field":"cronExpression","expression":"0 0 */6 * * *"},{"field":"cronExpression","expression":"0 0 */4 * * *"}]`,
			"2024-01-15T00:00:00Z",
			[]string{"2024-01-15T04:00:00Z", "2024-01-15T06:00:00Z", "2024-01-15T08:00:00Z", "2024-01-15T12:00:00Z",
				"2024-01-15T16:00:00Z", "2024-01-15T18:00:00Z", "2024-01-15T20:00:00Z", "2024-01-16T00:00:00Z"}},
		{"before 1.3 an interval past its range steps past it (*/90 seconds is :00)", "UTC",
			`[{"field":"seconds","secondsInterval":90}]`, "2024-01-15T10:00:07Z",
			[]string{"2024-01-15T10:01:00Z", "2024-01-15T10:02:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version := 1.3
			if strings.HasPrefix(tt.name, "before 1.3") {
				version = 1.2
			}
			s, err := Parse(triggerNode(version, tt.intervals), tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			if got := firings(s, ts(t, tt.from), len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("%s\n got %q\nwant %q", s, got, tt.want)
			}
		})
	}
}

func TestSchedule_NextIsStrictlyAfter(t *testing.T) {
	s := mustParse(t, "UTC", `[{"field":"cronExpression","expression":"0 0 9 * * *"}]`)
	at := ts(t, "2024-01-15T09:00:00Z")
	if got, want := s.Next(at), ts(t, "2024-01-16T09:00:00Z"); !got.Equal(want) {
		t.Errorf("Next(%v) = %v, want %v", at, got, want)
	}
	if got, want := s.Next(at.Add(-time.Nanosecond)), at; !got.Equal(want) {
		t.Errorf("Next(just before) = %v, want %v", got, want)
	}
	if got, want := s.Next(at.Add(300*time.Millisecond)), ts(t, "2024-01-16T09:00:00Z"); !got.Equal(want) {
		t.Errorf("Next(just after) = %v, want %v", got, want)
	}
}

// The filler values are n8n's: node key ":1" (no workflow id, node id 1)
// gives second 13 and minute 47, which n8n's test of "every 3 hours" in
// Europe/Berlin from 2023-12-28 12:34:56.789Z shows as its first firing,
// 15:47:13, and its item.
func TestSchedule_N8nFillers(t *testing.T) {
	s := mustParse(t, "Europe/Berlin", `[{"field":"hours","hoursInterval":3,"triggerAtMinute":null}]`)
	first := s.Next(ts(t, "2023-12-28T12:34:56.789Z"))
	if want := ts(t, "2023-12-28T15:47:13+01:00"); !first.Equal(want) {
		t.Fatalf("first firing %v, want %v", first, want)
	}
	if got, want := s.Next(first), ts(t, "2023-12-28T18:47:13+01:00"); !got.Equal(want) {
		t.Errorf("second firing %v, want %v", got, want)
	}
	want := `{"timestamp":"2023-12-28T15:47:13.000+01:00","Readable date":"December 28th 2023, 3:47:13 pm",` +
		`"Readable time":"3:47:13 pm","Day of week":"Thursday","Year":"2023","Month":"December","Day of month":"28",` +
		`"Hour":"15","Minute":"47","Second":"13","Timezone":"Europe/Berlin (UTC+01:00)"}`
	if got := string(Item(first, s.Location()).JSON); got != want {
		t.Errorf("item\n got %s\nwant %s", got, want)
	}
}

func TestSchedule_Seed(t *testing.T) {
	tests := []struct {
		workflow, id, name string
		second             string
	}{
		{"", "1", "Schedule", "13"},
		{"workflow-1", "1", "Schedule", "29"},
		{"wf", "", "1", "22"}, // no node id: the name stands in
	}
	for _, tt := range tests {
		n := &api.WorkflowNode{ID: tt.id, Name: tt.name, Type: NodeType, TypeVersion: 1.3,
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes"}]}}`)}
		s, err := Parse(n, "UTC", WithWorkflowID(tt.workflow))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Next(ts(t, "2024-01-15T10:00:59Z")).Format("05"); got != tt.second {
			t.Errorf("workflow %q node %q/%q: second %s, want %s", tt.workflow, tt.id, tt.name, got, tt.second)
		}
	}
}

// With triggerAtMinute set, "every 18 hours" fires every 18 hours: n8n's
// test of that rule, counted from the default anchor (midnight, 1 January
// 1970, Berlin), which puts a firing at midnight on 28 December 2023.
func TestSchedule_HoursNotDividingADay(t *testing.T) {
	s := mustParse(t, "Europe/Berlin", `[{"field":"hours","hoursInterval":18,"triggerAtMinute":0}]`)
	want := []string{"2023-12-28T18:00:13+01:00", "2023-12-29T12:00:13+01:00", "2023-12-30T06:00:13+01:00", "2023-12-31T00:00:13+01:00"}
	if got := firings(s, ts(t, "2023-12-28T12:34:56Z"), 4); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// Across the change to summer time the rule keeps 18 hours of elapsed
	// time, so the wall-clock hour moves by one.
	prev := time.Time{}
	for _, f := range firings(s, ts(t, "2024-03-29T00:00:00Z"), 6) {
		at := ts(t, f)
		if !prev.IsZero() && at.Sub(prev) != 18*time.Hour {
			t.Errorf("%v follows %v by %v, want 18h", at, prev, at.Sub(prev))
		}
		prev = at
	}
}

func TestSchedule_Anchor(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	anchor := time.Date(2024, 1, 15, 10, 20, 0, 0, berlin)
	tests := []struct {
		name, intervals string
		want            []string
	}{
		{"hours 5 from 10:20", `[{"field":"hours","hoursInterval":5}]`,
			[]string{"2024-01-15T11:00:13+01:00", "2024-01-15T16:00:13+01:00", "2024-01-15T21:00:13+01:00"}},
		{"days 2 from the 15th", `[{"field":"days","daysInterval":2,"triggerAtHour":12}]`,
			[]string{"2024-01-15T12:00:13+01:00", "2024-01-17T12:00:13+01:00", "2024-01-19T12:00:13+01:00"}},
		{"weeks 3 from the week of the 15th", `[{"field":"weeks","weeksInterval":3,"triggerAtDay":[5],"triggerAtHour":7}]`,
			[]string{"2024-01-19T07:00:13+01:00", "2024-02-09T07:00:13+01:00", "2024-03-01T07:00:13+01:00"}},
		{"months 5 from January", `[{"field":"months","monthsInterval":5,"triggerAtDayOfMonth":20}]`,
			[]string{"2024-01-20T00:00:13+01:00", "2024-06-20T00:00:13+02:00", "2024-11-20T00:00:13+01:00", "2025-04-20T00:00:13+02:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, "Europe/Berlin", tt.intervals, WithAnchor(anchor))
			if got := firings(s, ts(t, "2024-01-15T10:00:07+01:00"), len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("%s\n got %q\nwant %q", s, got, tt.want)
			}
		})
	}
}

func TestParse_Timezone(t *testing.T) {
	const daily = `[{"field":"cronExpression","expression":"0 0 9 * * *"}]`
	newYork, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		tz   string
		opts []Option
		want string
	}{
		{"Europe/Berlin", nil, "2024-01-16T08:00:00Z"},
		{"", nil, "2024-01-16T09:00:00Z"},
		{"DEFAULT", nil, "2024-01-16T09:00:00Z"},
		{"DEFAULT", []Option{WithDefaultTimezone(newYork)}, "2024-01-15T14:00:00Z"},
		{"Asia/Kolkata", []Option{WithDefaultTimezone(newYork)}, "2024-01-16T03:30:00Z"},
	}
	for _, tt := range tests {
		s := mustParse(t, tt.tz, daily, tt.opts...)
		if got := s.Next(ts(t, "2024-01-15T10:00:00Z")).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("timezone %q: %s, want %s", tt.tz, got, tt.want)
		}
	}
}

func TestParse_DefaultsAndEmpty(t *testing.T) {
	n := &api.WorkflowNode{ID: "1", Name: "Schedule", Type: NodeType, TypeVersion: 1.2}
	s, err := Parse(n, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "13 0 0 * * * (UTC)"; got != want {
		t.Errorf("no parameters: %s, want %s", got, want)
	}
	for _, params := range []string{`{"rule":{}}`, `{"rule":{"interval":[]}}`} {
		n.Parameters = json.RawMessage(params)
		s, err := Parse(n, "UTC")
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Next(ts(t, "2024-01-15T10:00:00Z")); !got.IsZero() {
			t.Errorf("%s: Next = %v, want never", params, got)
		}
		if got, want := s.String(), "no rules (UTC)"; got != want {
			t.Errorf("%s: %s, want %s", params, got, want)
		}
	}
}

func TestSchedule_String(t *testing.T) {
	s := mustParse(t, "Europe/Berlin", `[{"field":"hours","hoursInterval":2,"triggerAtMinute":5},`+
		`{"field":"days","daysInterval":2,"triggerAtHour":9},{"field":"cronExpression","expression":"0 15 * 1 sun"}]`)
	want := "13 5 */2 * * *; 13 0 9 * * * every 2 days from 1970-01-01; 0 15 * 1 sun (Europe/Berlin)"
	if got := s.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
