package webhook

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry maps requests to the Webhook nodes of active workflows. It is
// safe for concurrent use: Match and Methods read an immutable table
// without locking; Set and Remove, which are rare, build a new table. The
// zero value is an empty registry.
type Registry struct {
	mu  sync.Mutex // serializes writers
	tab atomic.Pointer[table]
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// table is one immutable state of a Registry: writers copy what they
// change.
type table struct {
	static  map[string]*route     // path -> the registrations per method
	dynamic map[string][]*pattern // webhookId -> patterns, in registration order
	byWF    map[string][]Registration
}

type route struct {
	methods []string
	regs    []*Registration
}

// pattern is a dynamic path: the segments after the webhookId, ":name"
// segments matching anything.
type pattern struct {
	method  string
	segs    []string
	statics int // segments that must match literally
	reg     *Registration
}

// ConflictError is a method and path that two workflows claim.
type ConflictError struct {
	// Method and Path are the claimed endpoint.
	Method, Path string
	// WorkflowID and Node are the registration refused.
	WorkflowID, Node string
	// OtherWorkflowID and OtherNode hold the endpoint already.
	OtherWorkflowID, OtherNode string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("webhook: %s %q of node %q in workflow %q is already registered by node %q in workflow %q",
		e.Method, e.Path, e.Node, e.WorkflowID, e.OtherNode, e.OtherWorkflowID)
}

// Set makes regs the registrations of a workflow, replacing its earlier
// ones; an empty regs removes them. It refuses the whole set, with a
// *ConflictError, when a method and path is claimed twice in regs or is
// already held by another workflow (so the first workflow activated keeps
// it), and with an error when a registration names another workflow.
// Set copies the index it changes: its cost grows with the number of
// paths registered, not with the requests served.
func (r *Registry) Set(workflowID string, regs []Registration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.tab.Load()
	if old == nil {
		old = &table{}
	}
	own := make([]Registration, len(regs))
	copy(own, regs)
	claimed := map[string]*Registration{}
	for i := range own {
		reg := &own[i]
		if reg.WorkflowID == "" {
			reg.WorkflowID = workflowID
		}
		if reg.WorkflowID != workflowID {
			return fmt.Errorf("webhook: registration of node %q is for workflow %q, not %q", reg.Node, reg.WorkflowID, workflowID)
		}
		if reg.Endpoint.Path == "" || len(reg.Endpoint.Methods) == 0 {
			return fmt.Errorf("webhook: registration of node %q in workflow %q has no path or no method", reg.Node, workflowID)
		}
		for _, m := range reg.Endpoint.Methods {
			key := m + " " + reg.Endpoint.Path
			if reg.Endpoint.Dynamic {
				key = m + " :" + reg.Endpoint.Path
			}
			other := claimed[key]
			if other == nil {
				other = old.holder(m, &reg.Endpoint, workflowID)
			}
			if other != nil {
				return &ConflictError{Method: m, Path: reg.Endpoint.Path, WorkflowID: workflowID, Node: reg.Node,
					OtherWorkflowID: other.WorkflowID, OtherNode: other.Node}
			}
			claimed[key] = reg
		}
	}
	t := &table{static: maps.Clone(old.static), dynamic: maps.Clone(old.dynamic), byWF: maps.Clone(old.byWF)}
	if t.static == nil {
		t.static, t.dynamic, t.byWF = map[string]*route{}, map[string][]*pattern{}, map[string][]Registration{}
	}
	for i := range old.byWF[workflowID] {
		t.drop(&old.byWF[workflowID][i])
	}
	delete(t.byWF, workflowID)
	if len(own) > 0 {
		t.byWF[workflowID] = own
		for i := range own {
			t.add(&own[i])
		}
	}
	r.tab.Store(t)
	return nil
}

// holder returns the registration of another workflow that holds a
// method on an endpoint's path, or nil.
func (t *table) holder(method string, ep *Endpoint, workflowID string) *Registration {
	if !ep.Dynamic {
		if rt := t.static[ep.Path]; rt != nil {
			for i, m := range rt.methods {
				if m == method && rt.regs[i].WorkflowID != workflowID {
					return rt.regs[i]
				}
			}
		}
		return nil
	}
	webhookID, rest, _ := strings.Cut(ep.Path, "/")
	segs := strings.Split(rest, "/")
	for _, p := range t.dynamic[webhookID] {
		if p.method == method && slices.Equal(p.segs, segs) && p.reg.WorkflowID != workflowID {
			return p.reg
		}
	}
	return nil
}

// drop removes a registration from the indexes of a table being built
// (the table's maps are its own; routes and pattern lists are shared with
// the old table, so they are replaced, not changed).
func (t *table) drop(reg *Registration) {
	ep := &reg.Endpoint
	if ep.Dynamic {
		webhookID, _, _ := strings.Cut(ep.Path, "/")
		pats := slices.DeleteFunc(slices.Clone(t.dynamic[webhookID]), func(p *pattern) bool { return p.reg == reg })
		if len(pats) == 0 {
			delete(t.dynamic, webhookID)
		} else {
			t.dynamic[webhookID] = pats
		}
		return
	}
	old := t.static[ep.Path]
	if old == nil {
		return
	}
	rt := &route{}
	for i, m := range old.methods {
		if old.regs[i] != reg {
			rt.methods = append(rt.methods, m)
			rt.regs = append(rt.regs, old.regs[i])
		}
	}
	if len(rt.methods) == 0 {
		delete(t.static, ep.Path)
	} else {
		t.static[ep.Path] = rt
	}
}

// add indexes a registration in a table being built.
func (t *table) add(reg *Registration) {
	ep := &reg.Endpoint
	if ep.Dynamic {
		webhookID, rest, _ := strings.Cut(ep.Path, "/")
		segs := strings.Split(rest, "/")
		statics := 0
		for _, s := range segs {
			if !strings.HasPrefix(s, ":") {
				statics++
			}
		}
		pats := slices.Clone(t.dynamic[webhookID])
		for _, m := range ep.Methods {
			pats = append(pats, &pattern{method: m, segs: segs, statics: statics, reg: reg})
		}
		t.dynamic[webhookID] = pats
		return
	}
	rt := &route{}
	if old := t.static[ep.Path]; old != nil {
		rt.methods, rt.regs = slices.Clone(old.methods), slices.Clone(old.regs)
	}
	for _, m := range ep.Methods {
		rt.methods = append(rt.methods, m)
		rt.regs = append(rt.regs, reg)
	}
	t.static[ep.Path] = rt
}

// Remove drops a workflow's registrations.
func (r *Registry) Remove(workflowID string) {
	_ = r.Set(workflowID, nil) // removing cannot conflict
}

// Registrations returns a workflow's registrations.
func (r *Registry) Registrations(workflowID string) []Registration {
	t := r.tab.Load()
	if t == nil {
		return nil
	}
	return slices.Clone(t.byWF[workflowID])
}

// Workflows returns the ids of the workflows with registrations, sorted.
func (r *Registry) Workflows() []string {
	t := r.tab.Load()
	if t == nil {
		return nil
	}
	ids := make([]string, 0, len(t.byWF))
	for id := range t.byWF {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// trimPath removes one leading and one trailing slash, as n8n does with
// request paths.
func trimPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	return strings.TrimSuffix(p, "/")
}

// Match finds the registration a request reaches. path is the path under
// the webhook prefix, decoded; a leading and a trailing slash do not
// matter. A static path wins over a dynamic one; among dynamic paths
// ("<webhookId>/user/:id") of the same length, the one with the most
// literal segments wins, then the one registered first. params holds the
// values of the ":name" segments (nil for a static path).
func (r *Registry) Match(method, path string) (Registration, map[string]string, bool) {
	t := r.tab.Load()
	if t == nil {
		return Registration{}, nil, false
	}
	path = trimPath(path)
	if rt := t.static[path]; rt != nil {
		for i, m := range rt.methods {
			if m == method {
				return *rt.regs[i], nil, true
			}
		}
	}
	id, rest, ok := strings.Cut(path, "/")
	if !ok {
		return Registration{}, nil, false
	}
	return t.matchDynamic(method, id, strings.Split(rest, "/"))
}

// MatchEscaped is Match for the path as the request sent it, escapes
// and all: a segment holding an escaped slash (%2F) stays one segment,
// and a ":name" segment's value is decoded, as n8n gives it.
func (r *Registry) MatchEscaped(method, escaped string) (Registration, map[string]string, bool) {
	raw := strings.Split(trimPath(escaped), "/")
	segs := make([]string, len(raw))
	slash := false
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil {
			return Registration{}, nil, false
		}
		segs[i], slash = d, slash || strings.Contains(d, "/")
	}
	if !slash {
		return r.Match(method, strings.Join(segs, "/"))
	}
	t := r.tab.Load()
	if t == nil || len(segs) < 2 {
		return Registration{}, nil, false
	}
	// A static path has no segment with a slash in it: only a ":name"
	// segment can take one.
	return t.matchDynamic(method, segs[0], segs[1:])
}

// matchDynamic finds the dynamic path of webhook id that segs, the
// segments after the id, reach.
func (t *table) matchDynamic(method, id string, segs []string) (Registration, map[string]string, bool) {
	pats := t.dynamic[id]
	if len(pats) == 0 {
		return Registration{}, nil, false
	}
	var best *pattern
	for _, p := range pats {
		if p.method == method && p.matches(segs) && (best == nil || p.statics > best.statics) {
			best = p
		}
	}
	if best == nil {
		return Registration{}, nil, false
	}
	params := make(map[string]string, len(segs)-best.statics)
	for i, s := range best.segs {
		if strings.HasPrefix(s, ":") {
			params[s[1:]] = segs[i]
		}
	}
	return *best.reg, params, true
}

func (p *pattern) matches(segs []string) bool {
	if len(segs) != len(p.segs) {
		return false
	}
	for i, s := range p.segs {
		if s != segs[i] && !strings.HasPrefix(s, ":") {
			return false
		}
	}
	return true
}

// Methods returns the methods a path answers, in the order of Methods;
// none for an unknown path. With Match failing, a non-empty answer means
// the path exists but not for the request's method (405), an empty one
// that it does not exist (404).
func (r *Registry) Methods(path string) []string {
	t := r.tab.Load()
	if t == nil {
		return nil
	}
	path = trimPath(path)
	var found []string
	if rt := t.static[path]; rt != nil {
		found = append(found, rt.methods...)
	}
	if id, rest, ok := strings.Cut(path, "/"); ok {
		segs := strings.Split(rest, "/")
		for _, p := range t.dynamic[id] {
			if p.matches(segs) {
				found = append(found, p.method)
			}
		}
	}
	var out []string
	for _, m := range Methods {
		if slices.Contains(found, m) {
			out = append(out, m)
		}
	}
	return out
}
