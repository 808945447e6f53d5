package schedule

import "time"

// This file maps wall-clock times to instants in a time zone, the two ways
// the package doc describes: rules that repeat through the day follow the
// clock's reading at each instant; rules that name a time of day fire once
// per wall-clock time.

// horizon bounds every search: a rule that does not fire within it never
// fires (Next returns the zero Time). Cron expressions that can never
// match are rejected by Parse; the horizon only ends searches whose date
// filter and fields rarely agree.
const horizon = 50 // years

// wall returns the wall-clock reading of t in loc as a UTC time.
func wall(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	y, mo, d := lt.Date()
	h, mi, s := lt.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// firstSecondAfter is the first whole second strictly after t.
func firstSecondAfter(t time.Time) time.Time {
	return t.Truncate(time.Second).Add(time.Second)
}

// nextReading returns the first instant after `after` at which the clock in
// loc reads a time c matches. A reading that occurs twice (clocks set back)
// matches twice; a reading that does not occur (clocks set forward) never
// matches.
func nextReading(c *cronExpr, after time.Time, loc *time.Location, keep dateFilter) time.Time {
	t := firstSecondAfter(after)
	end := wall(t, loc).AddDate(horizon, 0, 0)
	for {
		lt := t.In(loc)
		_, off := lt.Zone()
		_, zoneEnd := lt.ZoneBounds()
		limit := end
		if !zoneEnd.IsZero() {
			if last := time.Unix(zoneEnd.Unix()-1+int64(off), 0).UTC(); last.Before(limit) {
				limit = last
			}
		}
		if w, ok := c.next(wall(lt, loc), limit, keep); ok {
			return time.Unix(w.Unix()-int64(off), 0).In(loc)
		}
		if zoneEnd.IsZero() || !limit.Before(end) {
			return time.Time{}
		}
		t = zoneEnd
	}
}

// nextWallTime returns the first firing after `after` of the wall-clock
// times c matches, each firing once: at its first occurrence when the clock
// reads it twice, at the first instant after the gap when the clock skips
// it. Several skipped times fire together, once.
func nextWallTime(c *cronExpr, after time.Time, loc *time.Location, keep dateFilter) time.Time {
	// The wall-clock times after the reading of `after`: those a gap skipped
	// since fire at the end of the gap, which is later than `after`.
	lt := after.Truncate(time.Second).In(loc)
	from := wall(lt, loc).Add(time.Second)
	// In the second pass through a repeated hour the times of the first pass
	// have fired already.
	if start, _ := lt.ZoneBounds(); !start.IsZero() {
		_, off := lt.Zone()
		_, prev := start.Add(-time.Second).In(loc).Zone()
		if prev > off {
			if repeatEnd := time.Unix(start.Unix()+int64(prev), 0).UTC(); from.Before(repeatEnd) {
				from = repeatEnd
			}
		}
	}
	limit := from.AddDate(horizon, 0, 0)
	for {
		w, ok := c.next(from, limit, keep)
		if !ok {
			return time.Time{}
		}
		if f := firstInstant(w, loc); f.After(after) {
			return f
		}
		from = w.Add(time.Second)
	}
}

// firstInstant returns the first instant at which the clock in loc reads w,
// or, when the clock skips w, the instant it skips it at.
func firstInstant(w time.Time, loc *time.Location) time.Time {
	u := w.Unix()
	const margin = 30 * 3600 // beyond any UTC offset
	t := time.Unix(u-margin, 0).In(loc)
	for t.Unix() <= u+margin {
		_, off := t.Zone()
		_, end := t.ZoneBounds()
		if at := u - int64(off); at >= t.Unix() && (end.IsZero() || at < end.Unix()) {
			return time.Unix(at, 0).In(loc)
		}
		if end.IsZero() {
			break
		}
		_, next := end.In(loc).Zone()
		if next > off && u >= end.Unix()+int64(off) && u < end.Unix()+int64(next) {
			return end.In(loc)
		}
		t = end.In(loc)
	}
	y, mo, d := w.Date()
	h, mi, s := w.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, loc)
}
