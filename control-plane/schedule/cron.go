package schedule

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// cronExpr is a parsed cron expression with the semantics of the `cron` npm
// package (version 3) that n8n schedules with: six fields, seconds first,
// or five with the seconds set to 0; names for months and weekdays; the
// @presets; day of month and day of week combined with OR when both are
// restricted. Each field is a bit set.
type cronExpr struct {
	second, minute uint64 // bits 0-59
	hour           uint64 // bits 0-23
	dom            uint64 // bits 1-31
	month          uint64 // bits 1-12
	dow            uint64 // bits 0-6, Sunday 0
}

type cronUnit struct {
	name     string
	low, hi  int
	defaults string
}

// The fields in the order a six-field expression gives them.
var cronUnits = [6]cronUnit{
	{"second", 0, 59, "0"},
	{"minute", 0, 59, "*"},
	{"hour", 0, 23, "*"},
	{"day of month", 1, 31, "*"},
	{"month", 1, 12, "*"},
	{"day of week", 0, 7, "*"},
}

var cronPresets = map[string]string{
	"@yearly":   "0 0 0 1 1 *",
	"@monthly":  "0 0 0 1 * *",
	"@weekly":   "0 0 0 * * 0",
	"@daily":    "0 0 0 * * *",
	"@hourly":   "0 0 * * * *",
	"@minutely": "0 * * * * *",
	"@secondly": "* * * * * *",
	"@weekdays": "0 0 0 * * 1-5",
	"@weekends": "0 0 0 * * 0,6",
}

var cronAliases = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
}

const (
	allDOM = uint64(1<<32 - 2) // days 1-31
	allDOW = uint64(1<<7 - 1)  // Sunday-Saturday
)

// parseCron parses src as the cron package does; errors are phrased for
// people (`minute 61 out of range`).
func parseCron(src string) (*cronExpr, error) {
	s := strings.ToLower(src)
	if p, ok := cronPresets[s]; ok {
		s = p
	}
	s, err := replaceAliases(s)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(s)
	if len(fields) < 5 {
		return nil, fmt.Errorf("too few fields (%d; 5 or 6 expected)", len(fields))
	}
	if len(fields) > 6 {
		return nil, fmt.Errorf("too many fields (%d; 5 or 6 expected)", len(fields))
	}
	if len(fields) == 5 {
		fields = append([]string{cronUnits[0].defaults}, fields...)
	}
	var sets [6]uint64
	for i, u := range cronUnits {
		if sets[i], err = parseCronField(fields[i], u); err != nil {
			return nil, err
		}
	}
	dow := sets[5]
	if dow&(1<<7) != 0 {
		dow = dow&^(1<<7) | 1
	}
	c := &cronExpr{second: sets[0], minute: sets[1], hour: sets[2], dom: sets[3], month: sets[4], dow: dow}
	if !c.satisfiable() {
		return nil, fmt.Errorf("never fires: none of the months given has any of the days of month given")
	}
	return c, nil
}

// replaceAliases replaces every run of one to three letters by the number
// it names, as the cron package does before it splits the fields ("mon-fri"
// is "1-5"; "monday" is an error because "day" names nothing).
func replaceAliases(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < 'a' || s[i] > 'z' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && j-i < 3 && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		n, ok := cronAliases[s[i:j]]
		if !ok {
			return "", fmt.Errorf("unknown name %q", s[i:j])
		}
		b.WriteString(strconv.Itoa(n))
		i = j
	}
	return b.String(), nil
}

// parseCronField parses one field: comma-separated parts, each "*", "n",
// "a-b" or one of those with "/step". "*" stands for the whole range; a
// step without an upper bound runs to the end of the range ("5/15" is
// 5,20,35,50 in the minutes).
func parseCronField(field string, u cronUnit) (uint64, error) {
	var set uint64
	for _, part := range strings.Split(field, ",") {
		if i := strings.IndexByte(part, '*'); i > 0 {
			return 0, fmt.Errorf("%s %q has a misplaced *", u.name, part)
		}
		expanded := strings.ReplaceAll(part, "*", strconv.Itoa(u.low)+"-"+strconv.Itoa(u.hi))
		lower, upper, step, hasUpper, hasStep, ok := splitRange(expanded)
		if !ok {
			return 0, fmt.Errorf("%s %q cannot be parsed", u.name, part)
		}
		if step == 0 {
			return 0, fmt.Errorf("%s %q has a step of zero", u.name, part)
		}
		if hasUpper && lower > upper {
			return 0, fmt.Errorf("%s %q is a reversed range", u.name, part)
		}
		if lower < u.low || (hasUpper && upper > u.hi) || (!hasUpper && lower > u.hi) {
			return 0, fmt.Errorf("%s %s out of range", u.name, part)
		}
		if !hasUpper {
			upper = lower
			if hasStep {
				upper = u.hi
			}
		}
		for v := lower; v <= upper; v += step {
			set |= 1 << uint(v)
		}
	}
	return set, nil
}

// splitRange matches ^(\d+)(?:-(\d+))?(?:/(\d+))?$. Numbers too large for
// an int come back as a value past every range.
func splitRange(s string) (lower, upper, step int, hasUpper, hasStep, ok bool) {
	num := func() (int, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 1<<20 {
			n = 1 << 20
		}
		s = s[i:]
		return n, true
	}
	step = 1
	if lower, ok = num(); !ok {
		return
	}
	if strings.HasPrefix(s, "-") {
		s = s[1:]
		if upper, ok = num(); !ok {
			return
		}
		hasUpper = true
	}
	if strings.HasPrefix(s, "/") {
		s = s[1:]
		if step, ok = num(); !ok {
			return
		}
		hasStep = true
	}
	ok = s == ""
	return
}

// satisfiable reports whether some date matches the day fields: a
// restricted day of week matches in every month; otherwise some month given
// must have one of the days of month given (February counts its 29th).
func (c *cronExpr) satisfiable() bool {
	if c.dow != allDOW {
		return true
	}
	for m := 1; m <= 12; m++ {
		if c.month&(1<<uint(m)) == 0 {
			continue
		}
		if c.dom&(1<<uint(daysIn(time.Month(m), 2000)+1)-1) != 0 {
			return true
		}
	}
	return false
}

// dayMatches applies the cron package's day rule: when both day of month
// and day of week are restricted a day matching either matches; when one
// is, that one decides.
func (c *cronExpr) dayMatches(d int, wd time.Weekday) bool {
	inDOM := c.dom&(1<<uint(d)) != 0
	inDOW := c.dow&(1<<uint(wd)) != 0
	domAll, dowAll := c.dom == allDOM, c.dow == allDOW
	switch {
	case !domAll && !dowAll:
		return inDOM || inDOW
	case !domAll:
		return inDOM
	case !dowAll:
		return inDOW
	}
	return true
}

// everyHour reports whether the expression matches in every hour of the
// day; such expressions repeat through the day rather than name a time of
// day.
func (c *cronExpr) everyHour() bool { return c.hour == 1<<24-1 }

// dateFilter narrows the days an expression matches (the "every N days,
// weeks or months" rules).
type dateFilter func(y int, m time.Month, d int) bool

// next returns the first wall-clock time at or after from that matches,
// no later than limit. Wall-clock times are time.Time values in UTC whose
// fields are the wall clock's.
func (c *cronExpr) next(from, limit time.Time, keep dateFilter) (time.Time, bool) {
	t := from
	for !t.After(limit) {
		y, mo, d := t.Date()
		if c.month&(1<<uint(mo)) == 0 {
			t = time.Date(y, mo+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if !c.dayMatches(d, t.Weekday()) || (keep != nil && !keep(y, mo, d)) {
			t = time.Date(y, mo, d+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		h, mi, s := t.Clock()
		nh := nextBit(c.hour, h)
		if nh < 0 {
			t = time.Date(y, mo, d+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if nh > h {
			h, mi, s = nh, 0, 0
		}
		nm := nextBit(c.minute, mi)
		if nm < 0 {
			t = time.Date(y, mo, d, h+1, 0, 0, 0, time.UTC)
			continue
		}
		if nm > mi {
			mi, s = nm, 0
		}
		ns := nextBit(c.second, s)
		if ns < 0 {
			t = time.Date(y, mo, d, h, mi+1, 0, 0, time.UTC)
			continue
		}
		w := time.Date(y, mo, d, h, mi, ns, 0, time.UTC)
		if w.After(limit) {
			return time.Time{}, false
		}
		return w, true
	}
	return time.Time{}, false
}

// nextBit returns the lowest set bit of mask at or above from, or -1.
func nextBit(mask uint64, from int) int {
	if from > 63 {
		return -1
	}
	m := mask >> uint(from)
	if m == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(m)
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
