package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// rule is one entry of the node's rule.interval list, compiled.
type rule struct {
	cron *cronExpr
	// text is the cron expression the rule evaluates, for String.
	text string
	// note describes the filter on top of the cron expression.
	note string
	// wallTime rules name times of day (each fires once per wall-clock
	// time); the others follow the clock's reading.
	wallTime bool
	keep     dateFilter
	// every, when set, makes the rule fire every that many seconds of
	// elapsed time counted from anchor, at the first reading the cron
	// expression matches (hour intervals that do not divide a day).
	every, anchor int64
}

func (r *rule) next(after time.Time, loc *time.Location) time.Time {
	switch {
	case r.every > 0:
		a := after.Unix()
		k := a - r.anchor
		k = (k - mod(k, r.every)) / r.every
		for i := int64(0); i < 2; i++ {
			start := r.anchor + (k+i)*r.every
			if f := nextReading(r.cron, time.Unix(start-1, 0), loc, nil); f.After(after) {
				return f
			}
		}
		return time.Time{}
	case r.wallTime:
		return nextWallTime(r.cron, after, loc, r.keep)
	}
	return nextReading(r.cron, after, loc, r.keep)
}

func (r *rule) String() string {
	if r.note == "" {
		return r.text
	}
	return r.text + " " + r.note
}

// The rule kinds, as n8n names them in the "field" parameter.
var fields = []string{"seconds", "minutes", "hours", "days", "weeks", "months", "cronExpression"}

// compiler holds what the rules of one node share.
type compiler struct {
	version float64
	seed    string // `${workflowId}:${nodeId}`, n8n's nodeKey
	loc     *time.Location
	anchor  time.Time
}

// parseRules reads the node parameters' rule.interval list. An absent
// "rule" is n8n's default, one "days" rule; a present one without
// intervals has no rules.
func (c *compiler) parseRules(params json.RawMessage) ([]*rule, error) {
	var doc map[string]any
	if len(bytes.TrimSpace(params)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(params))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("parameters: %w", err)
		}
	}
	ruleParam, ok := doc["rule"]
	if !ok {
		ruleParam = map[string]any{"interval": []any{map[string]any{"field": "days"}}}
	}
	if s, isString := ruleParam.(string); isString && strings.HasPrefix(s, "=") {
		return nil, fmt.Errorf("rule: expressions are not supported in schedule rules (%q)", s)
	}
	rm, ok := ruleParam.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("rule: want an object, got %s", jsonText(ruleParam))
	}
	list, ok := rm["interval"]
	if !ok || list == nil {
		return nil, nil
	}
	entries, ok := list.([]any)
	if !ok {
		return nil, fmt.Errorf("rule.interval: want a list, got %s", jsonText(list))
	}
	rules := make([]*rule, 0, len(entries))
	for i, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rule %d: want an object, got %s", i+1, jsonText(e))
		}
		r, err := c.compile(ruleParams{m})
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", i+1, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// compile turns one rule into the cron expression n8n's toCronExpression
// builds for it, plus the filter n8n's recurrenceCheck applies, made
// stateless (see the package doc).
func (c *compiler) compile(p ruleParams) (*rule, error) {
	field := "days"
	if v, ok := p.m["field"]; ok {
		s, isString := v.(string)
		if !isString || !contains(fields, s) {
			return nil, fmt.Errorf("field %s: must be one of %s", jsonText(v), strings.Join(fields, ", "))
		}
		field = s
	}
	v13 := c.version >= 1.3
	second := c.stableInt("second", 0, 60)
	switch field {
	case "seconds":
		n, err := p.interval("secondsInterval", 30, v13, 59)
		if err != nil {
			return nil, err
		}
		return c.cronRule(fmt.Sprintf("*/%d * * * * *", n))
	case "minutes":
		n, err := p.interval("minutesInterval", 5, v13, 59)
		if err != nil {
			return nil, err
		}
		return c.cronRule(fmt.Sprintf("%d */%d * * * *", second, n))
	case "cronExpression":
		v, ok := p.m["expression"]
		if !ok {
			v = ""
		}
		expr, isString := v.(string)
		if !isString {
			return nil, fmt.Errorf("expression: want a string, got %s", jsonText(v))
		}
		if strings.HasPrefix(expr, "=") {
			return nil, fmt.Errorf("cronExpression %q: expressions are not supported in schedule rules", expr)
		}
		r, err := c.cronRule(expr)
		if err != nil {
			return nil, fmt.Errorf("cronExpression %q: %w", expr, err)
		}
		return r, nil
	}
	minute, err := p.value("triggerAtMinute", 0, 0, 59, func() int { return c.stableInt("minute", 0, 60) })
	if err != nil {
		return nil, err
	}
	if field == "hours" {
		h, err := p.interval("hoursInterval", 1, v13, 23)
		if err != nil {
			return nil, err
		}
		if 24%h == 0 {
			return c.cronRule(fmt.Sprintf("%d %d */%d * * *", second, minute, h))
		}
		r, err := c.cronRule(fmt.Sprintf("%d %d * * * *", second, minute))
		if err != nil {
			return nil, err
		}
		r.every, r.anchor = int64(h)*3600, c.anchor.Unix()
		r.note = fmt.Sprintf("every %d hours from %s", h, c.anchor.Format(time.RFC3339))
		return r, nil
	}
	hour, err := p.value("triggerAtHour", 0, 0, 23, func() int { return c.stableInt("hour", 0, 24) })
	if err != nil {
		return nil, err
	}
	anchor := wall(c.anchor, c.loc)
	switch field {
	case "days":
		n, err := p.interval("daysInterval", 1, v13, 31)
		if err != nil {
			return nil, err
		}
		r, err := c.cronRule(fmt.Sprintf("%d %d %d * * *", second, minute, hour))
		if err != nil || n == 1 {
			return r, err
		}
		from := dayNumber(anchor.Date())
		r.keep = func(y int, m time.Month, d int) bool { return mod(dayNumber(y, m, d)-from, int64(n)) == 0 }
		r.note = fmt.Sprintf("every %d days from %s", n, anchor.Format(time.DateOnly))
		return r, nil
	case "weeks":
		n, err := p.interval("weeksInterval", 1, false, 0)
		if err != nil {
			return nil, err
		}
		days, err := p.weekdays()
		if err != nil {
			return nil, err
		}
		r, err := c.cronRule(fmt.Sprintf("%d %d %d * * %s", second, minute, hour, days))
		if err != nil || n == 1 {
			return r, err
		}
		from := weekNumber(anchor.Date())
		r.keep = func(y int, m time.Month, d int) bool { return mod(weekNumber(y, m, d)-from, int64(n)) == 0 }
		r.note = fmt.Sprintf("every %d weeks (Sunday to Saturday) from the week of %s", n, anchor.Format(time.DateOnly))
		return r, nil
	}
	n, err := p.interval("monthsInterval", 1, false, 0)
	if err != nil {
		return nil, err
	}
	dom, err := p.value("triggerAtDayOfMonth", 1, 1, 31, func() int { return c.stableInt("dayOfMonth", 1, 29) })
	if err != nil {
		return nil, err
	}
	r, err := c.cronRule(fmt.Sprintf("%d %d %d %d * *", second, minute, hour, dom))
	if err != nil || n == 1 {
		return r, err
	}
	from := monthNumber(anchor.Year(), anchor.Month())
	r.keep = func(y int, m time.Month, _ int) bool { return mod(monthNumber(y, m)-from, int64(n)) == 0 }
	r.note = fmt.Sprintf("every %d months from %s", n, anchor.Format("2006-01"))
	return r, nil
}

func (c *compiler) cronRule(expr string) (*rule, error) {
	ce, err := parseCron(expr)
	if err != nil {
		return nil, err
	}
	return &rule{cron: ce, text: expr, wallTime: !ce.everyHour()}, nil
}

// stableInt is n8n's deterministic filler for the parts of a cron
// expression the rule leaves open: min + the first four bytes of
// SHA-256("<seed>:<label>") as a big-endian integer, modulo max-min.
func (c *compiler) stableInt(label string, min, max int) int {
	h := sha256.Sum256([]byte(c.seed + ":" + label))
	return min + int(binary.BigEndian.Uint32(h[:4])%uint32(max-min))
}

// ruleParams reads the parameters of one rule. An absent parameter takes
// n8n's default (n8n fills in defaults before the trigger reads them); an
// explicit null takes the rule's filler instead (toCronExpression's `??`).
type ruleParams struct{ m map[string]any }

// interval reads a "… between triggers" count: a whole number of at least
// 1, at most max when checked (n8n checks from typeVersion 1.3).
func (p ruleParams) interval(name string, def int, checked bool, max int) (int, error) {
	v, ok := p.m[name]
	if !ok {
		return def, nil
	}
	n, err := wholeNumber(name, v)
	if err != nil {
		return 0, err
	}
	if checked && (n < 1 || n > max) {
		return 0, fmt.Errorf("%s %d: must be in range 1-%d", name, n, max)
	}
	if n < 1 {
		return 0, fmt.Errorf("%s %d: must be at least 1", name, n)
	}
	return n, nil
}

// value reads a time-of-day or day-of-month parameter in [min, max].
func (p ruleParams) value(name string, def, min, max int, filler func() int) (int, error) {
	v, ok := p.m[name]
	if !ok {
		return def, nil
	}
	if v == nil {
		return filler(), nil
	}
	n, err := wholeNumber(name, v)
	if err != nil {
		return 0, err
	}
	if n < min || n > max {
		return 0, fmt.Errorf("%s %d: must be in range %d-%d", name, n, min, max)
	}
	return n, nil
}

// weekdays reads triggerAtDay (default Sunday) as a cron day-of-week field;
// an empty list is every day.
func (p ruleParams) weekdays() (string, error) {
	v, ok := p.m["triggerAtDay"]
	if !ok {
		return "0", nil
	}
	list, isList := v.([]any)
	if !isList {
		return "", fmt.Errorf("triggerAtDay: want a list of weekdays (0 Sunday … 6 Saturday), got %s", jsonText(v))
	}
	if len(list) == 0 {
		return "*", nil
	}
	days := make([]string, len(list))
	for i, d := range list {
		n, err := wholeNumber("triggerAtDay", d)
		if err != nil {
			return "", err
		}
		if n < 0 || n > 7 {
			return "", fmt.Errorf("triggerAtDay %d: must be a weekday, 0 (Sunday) to 6 (Saturday)", n)
		}
		days[i] = strconv.Itoa(n)
	}
	return strings.Join(days, ","), nil
}

var errNotWhole = errors.New("not a whole number")

// wholeNumber reads a JSON number or a numeric string.
func wholeNumber(name string, v any) (int, error) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		if strings.HasPrefix(x, "=") {
			return 0, fmt.Errorf("%s %q: expressions are not supported in schedule rules", name, x)
		}
		text = strings.TrimSpace(x)
	default:
		return 0, fmt.Errorf("%s: want a number, got %s", name, jsonText(v))
	}
	if n, err := strconv.Atoi(text); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: want a number, got %s", name, jsonText(v))
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, fmt.Errorf("%s %s: %w", name, text, errNotWhole)
	}
	return int(f), nil
}

func jsonText(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mod is the non-negative remainder of a by b (b > 0).
func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// dayNumber counts days from 1 January 1970 (day 0).
func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// weekNumber counts weeks that start on Sunday, as n8n's (moment's) week
// numbers do; week 0 is 28 December 1969 to 3 January 1970.
func weekNumber(y int, m time.Month, d int) int64 {
	n := dayNumber(y, m, d) + 4
	return (n - mod(n, 7)) / 7
}

func monthNumber(y int, m time.Month) int64 {
	return int64(y)*12 + int64(m) - 1
}
