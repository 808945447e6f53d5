package schedule

import (
	"encoding/json"
	"testing"

	"github.com/weftrun/weft/api"
)

func TestParse_Errors(t *testing.T) {
	cron := func(expr string) string {
		b, _ := json.Marshal(expr)
		return `[{"field":"hours"},{"field":"cronExpression","expression":` + string(b) + `}]`
	}
	tests := []struct {
		intervals string
		version   float64
		want      string
	}{
		{cron("61 * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "61 * * * *": minute 61 out of range`},
		{cron("0 0 24 * * *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 24 * * *": hour 24 out of range`},
		{cron("0 0 * 13 *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 * 13 *": month 13 out of range`},
		{cron("0 0 * * 8"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 * * 8": day of week 8 out of range`},
		{cron("0 0 0 0 * *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 0 0 * *": day of month 0 out of range`},
		{cron("0 50-70 * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "0 50-70 * * * *": minute 50-70 out of range`},
		{cron(""), 1.3, `node "Every hour": rule 2: cronExpression "": too few fields (0; 5 or 6 expected)`},
		{cron("* * * *"), 1.3, `node "Every hour": rule 2: cronExpression "* * * *": too few fields (4; 5 or 6 expected)`},
		{cron("* * * * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "* * * * * * *": too many fields (7; 5 or 6 expected)`},
		{cron("@daily *"), 1.3, `node "Every hour": rule 2: cronExpression "@daily *": unknown name "dai"`},
		{cron("0 9 * * monday"), 1.3, `node "Every hour": rule 2: cronExpression "0 9 * * monday": unknown name "day"`},
		{cron("*/0 * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "*/0 * * * *": minute "*/0" has a step of zero`},
		{cron("5-1 * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "5-1 * * * *": minute "5-1" is a reversed range`},
		{cron("1* * * * *"), 1.3, `node "Every hour": rule 2: cronExpression "1* * * * *": minute "1*" has a misplaced *`},
		{cron("0 0 1,,2 * *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 1,,2 * *": day of month "" cannot be parsed`},
		{cron("0 0 ? * *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 ? * *": day of month "?" cannot be parsed`},
		{cron("0 0 30 2 *"), 1.3, `node "Every hour": rule 2: cronExpression "0 0 30 2 *": never fires: none of the months given has any of the days of month given`},
		{cron("={{ $json.cron }}"), 1.3, `node "Every hour": rule 2: cronExpression "={{ $json.cron }}": expressions are not supported in schedule rules`},
		{`[{"field":"cronExpression","expression":5}]`, 1.3, `node "Every hour": rule 1: expression: want a string, got 5`},
		{`[{"field":"seconds","secondsInterval":90}]`, 1.3, `node "Every hour": rule 1: secondsInterval 90: must be in range 1-59`},
		{`[{"field":"seconds","secondsInterval":0}]`, 1.2, `node "Every hour": rule 1: secondsInterval 0: must be at least 1`},
		{`[{"field":"minutes","minutesInterval":60}]`, 1.3, `node "Every hour": rule 1: minutesInterval 60: must be in range 1-59`},
		{`[{"field":"minutes","minutesInterval":1.5}]`, 1.3, `node "Every hour": rule 1: minutesInterval 1.5: not a whole number`},
		{`[{"field":"minutes","minutesInterval":true}]`, 1.3, `node "Every hour": rule 1: minutesInterval: want a number, got true`},
		{`[{"field":"minutes","minutesInterval":"={{ 5 }}"}]`, 1.3, `node "Every hour": rule 1: minutesInterval "={{ 5 }}": expressions are not supported in schedule rules`},
		{`[{"field":"hours","hoursInterval":24}]`, 1.3, `node "Every hour": rule 1: hoursInterval 24: must be in range 1-23`},
		{`[{"field":"days","daysInterval":32}]`, 1.3, `node "Every hour": rule 1: daysInterval 32: must be in range 1-31`},
		{`[{"field":"weeks","weeksInterval":0}]`, 1.3, `node "Every hour": rule 1: weeksInterval 0: must be at least 1`},
		{`[{"field":"months","monthsInterval":-1}]`, 1.3, `node "Every hour": rule 1: monthsInterval -1: must be at least 1`},
		{`[{"field":"days","triggerAtHour":24}]`, 1.3, `node "Every hour": rule 1: triggerAtHour 24: must be in range 0-23`},
		{`[{"field":"hours","triggerAtMinute":60}]`, 1, `node "Every hour": rule 1: triggerAtMinute 60: must be in range 0-59`},
		{`[{"field":"months","triggerAtDayOfMonth":0}]`, 1.3, `node "Every hour": rule 1: triggerAtDayOfMonth 0: must be in range 1-31`},
		{`[{"field":"weeks","triggerAtDay":[1,8]}]`, 1.3, `node "Every hour": rule 1: triggerAtDay 8: must be a weekday, 0 (Sunday) to 6 (Saturday)`},
		{`[{"field":"weeks","triggerAtDay":1}]`, 1.3, `node "Every hour": rule 1: triggerAtDay: want a list of weekdays (0 Sunday … 6 Saturday), got 1`},
		{`[{"field":"fortnights"}]`, 1.3, `node "Every hour": rule 1: field "fortnights": must be one of seconds, minutes, hours, days, weeks, months, cronExpression`},
		{`[{"field":"days"},"days"]`, 1.3, `node "Every hour": rule 2: want an object, got "days"`},
		{`{"field":"days"}`, 1.3, `node "Every hour": rule.interval: want a list, got {"field":"days"}`},
	}
	for _, tt := range tests {
		n := triggerNode(tt.version, tt.intervals)
		n.Name = "Every hour"
		_, err := Parse(n, "UTC")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s (version %v):\n got %v\nwant %s", tt.intervals, tt.version, err, tt.want)
		}
	}
}

func TestParse_NodeErrors(t *testing.T) {
	tests := []struct {
		node api.WorkflowNode
		tz   string
		want string
	}{
		{api.WorkflowNode{Name: "Cron", Type: "n8n-nodes-base.cron", TypeVersion: 1}, "UTC",
			`node "Cron": type "n8n-nodes-base.cron" is not n8n-nodes-base.scheduleTrigger`},
		{api.WorkflowNode{Name: "Schedule", Type: NodeType, TypeVersion: 2}, "UTC",
			`node "Schedule": typeVersion 2 of n8n-nodes-base.scheduleTrigger is not supported (1, 1.1, 1.2, 1.3)`},
		{api.WorkflowNode{Name: "Schedule", Type: NodeType, TypeVersion: 1}, "Mars/Olympus_Mons",
			`node "Schedule": timezone "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons`},
		{api.WorkflowNode{Name: "Schedule", Type: NodeType, TypeVersion: 1, Parameters: json.RawMessage(`{"rule":"={{ 1 }}"}`)}, "UTC",
			`node "Schedule": rule: expressions are not supported in schedule rules ("={{ 1 }}")`},
		{api.WorkflowNode{Name: "Schedule", Type: NodeType, TypeVersion: 1, Parameters: json.RawMessage(`{"rule":[]}`)}, "UTC",
			`node "Schedule": rule: want an object, got []`},
	}
	for _, tt := range tests {
		_, err := Parse(&tt.node, tt.tz)
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
}

// The cron package's syntax as n8n accepts it, checked by the sets parsed.
func TestParseCron(t *testing.T) {
	bitsOf := func(vs ...int) uint64 {
		var m uint64
		for _, v := range vs {
			m |= 1 << uint(v)
		}
		return m
	}
	tests := []struct {
		expr string
		want cronExpr
	}{
		{"0 15 * 1 sun", cronExpr{second: bitsOf(0), minute: bitsOf(0), hour: bitsOf(15), dom: allDOM, month: bitsOf(1), dow: bitsOf(0)}},
		{"*/20 30 9 * JAN-MAR MON-FRI", cronExpr{second: bitsOf(0, 20, 40), minute: bitsOf(30), hour: bitsOf(9), dom: allDOM, month: bitsOf(1, 2, 3), dow: bitsOf(1, 2, 3, 4, 5)}},
		{"0 5/15 8-18/5 1,15 * 7", cronExpr{second: bitsOf(0), minute: bitsOf(5, 20, 35, 50), hour: bitsOf(8, 13, 18), dom: bitsOf(1, 15), month: 0x1ffe, dow: bitsOf(0)}},
		{"@weekdays", cronExpr{second: bitsOf(0), minute: bitsOf(0), hour: bitsOf(0), dom: allDOM, month: 0x1ffe, dow: bitsOf(1, 2, 3, 4, 5)}},
		{"  0   0  *  *  *  ", cronExpr{second: bitsOf(0), minute: bitsOf(0), hour: bitsOf(0), dom: allDOM, month: 0x1ffe, dow: allDOW}},
	}
	for _, tt := range tests {
		got, err := parseCron(tt.expr)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.expr, *got, tt.want)
		}
	}
}
