package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/weftrun/weft/api"
)

// NodeType is the node type Parse reads.
const NodeType = "n8n-nodes-base.scheduleTrigger"

// Versions are the type versions of NodeType that Parse reads, n8n's.
var Versions = []float64{1, 1.1, 1.2, 1.3}

// DefaultGrace is the grace window Parse gives a Schedule (see Missed).
const DefaultGrace = time.Hour

// Schedule is when one Schedule Trigger node fires. It is immutable once
// Parse returns it, apart from Grace, and safe for concurrent use.
type Schedule struct {
	// Grace is how late a missed firing may still be caught up: Missed
	// reports a missed firing only when it is at most Grace before now.
	// Zero or less turns catching up off.
	Grace time.Duration

	node  string
	loc   *time.Location
	rules []*rule
}

// Option configures Parse.
type Option func(*options)

type options struct {
	workflowID string
	defaultLoc *time.Location
	anchor     time.Time
}

// WithWorkflowID sets the id of the workflow the node belongs to. With the
// node's id it seeds the second (and, for a rule whose time is null, the
// minute, hour or day of month) that n8n fills in for interval rules, the
// way n8n does: every control plane computes the same instants, and they
// are n8n's for the same workflow.
func WithWorkflowID(id string) Option { return func(o *options) { o.workflowID = id } }

// WithDefaultTimezone sets the server's timezone, used when the workflow
// has none ("" or n8n's "DEFAULT"). Without this option it is UTC, the
// timezone Weft gives nodes when a workflow sets none.
func WithDefaultTimezone(loc *time.Location) Option {
	return func(o *options) { o.defaultLoc = loc }
}

// WithAnchor sets the instant "every N" rules count from: "every N days",
// "weeks" and "months" fire on the days, weeks (Sunday to Saturday) and
// months a multiple of N after the anchor's own, in the workflow's
// timezone; "every N hours" with N not a divisor of 24 fires every N hours
// after the anchor. Without this option the anchor is midnight, 1 January
// 1970, in the workflow's timezone. n8n counts from the first firing after
// the workflow is activated; a control plane that wants that passes the
// activation time.
func WithAnchor(t time.Time) Option { return func(o *options) { o.anchor = t } }

// Parse reads the rules of a Schedule Trigger node (NodeType, Versions).
// workflowTimezone is the workflow's settings.timezone; "" and "DEFAULT"
// mean the server's (WithDefaultTimezone). Errors name the node and the
// rule, such as `node "Every hour": rule 2: cronExpression "61 * * * *":
// minute 61 out of range`.
func Parse(node *api.WorkflowNode, workflowTimezone string, opts ...Option) (*Schedule, error) {
	o := options{defaultLoc: time.UTC}
	for _, opt := range opts {
		opt(&o)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("node %q: %s", node.Name, fmt.Sprintf(format, args...))
	}
	if node.Type != NodeType {
		return nil, fail("type %q is not %s", node.Type, NodeType)
	}
	if !containsVersion(node.TypeVersion) {
		return nil, fail("typeVersion %v of %s is not supported (1, 1.1, 1.2, 1.3)", node.TypeVersion, NodeType)
	}
	loc := o.defaultLoc
	if workflowTimezone != "" && workflowTimezone != "DEFAULT" {
		l, err := time.LoadLocation(workflowTimezone)
		if err != nil {
			return nil, fail("timezone %q: %v", workflowTimezone, err)
		}
		loc = l
	}
	anchor := o.anchor
	if anchor.IsZero() {
		anchor = time.Date(1970, 1, 1, 0, 0, 0, 0, loc)
	}
	id := node.ID
	if id == "" {
		id = node.Name
	}
	c := &compiler{version: node.TypeVersion, seed: o.workflowID + ":" + id, loc: loc, anchor: anchor.Truncate(time.Second)}
	rules, err := c.parseRules(node.Parameters)
	if err != nil {
		return nil, fail("%v", err)
	}
	return &Schedule{Grace: DefaultGrace, node: node.Name, loc: loc, rules: rules}, nil
}

func containsVersion(v float64) bool {
	for _, x := range Versions {
		if x == v {
			return true
		}
	}
	return false
}

// Location is the timezone the rules are evaluated in: the workflow's, or
// the server's default.
func (s *Schedule) Location() *time.Location { return s.loc }

// Next returns the first firing strictly after `after`: the earliest over
// all rules, on a whole second, in the schedule's Location. Rules that
// fire at the same instant fire once. It returns the zero Time when no
// rule fires within 50 years (a node without rules never fires).
func (s *Schedule) Next(after time.Time) time.Time {
	var best time.Time
	for _, r := range s.rules {
		if t := r.next(after, s.loc); !t.IsZero() && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	return best
}

// Missed applies the catch-up rule after downtime: of the firings due in
// (lastFired, now], at most one is made up, the latest, and only when it
// is no more than Grace before now. fire reports whether to fire; at is
// the missed instant (fire the trigger with Item(at, …) and continue with
// Next(now)). The older missed firings are skipped.
func (s *Schedule) Missed(lastFired, now time.Time) (fire bool, at time.Time) {
	if s.Grace <= 0 || !now.After(lastFired) {
		return false, time.Time{}
	}
	from := now.Add(-s.Grace).Add(-time.Nanosecond)
	if lastFired.After(from) {
		from = lastFired
	}
	// Widen a window back from now until it holds a firing; the latest
	// firing is then the last of those in the window.
	for window := time.Second; ; window *= 2 {
		start := now.Add(-window)
		if start.Before(from) {
			start = from
		}
		if m := s.Next(start); !m.IsZero() && !m.After(now) {
			for {
				n := s.Next(m)
				if n.IsZero() || n.After(now) {
					return true, m
				}
				m = n
			}
		}
		if !start.After(from) {
			return false, time.Time{}
		}
	}
}

// String describes the rules as the cron expressions n8n registers for
// them (seconds first), with the filters applied on top, and the timezone.
func (s *Schedule) String() string {
	parts := make([]string, len(s.rules))
	for i, r := range s.rules {
		parts[i] = r.String()
	}
	if len(parts) == 0 {
		parts = append(parts, "no rules")
	}
	return strings.Join(parts, "; ") + " (" + s.loc.String() + ")"
}
