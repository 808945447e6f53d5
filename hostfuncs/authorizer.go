package hostfuncs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Capability names an ability a host function grants a node.
type Capability string

// Capabilities host functions ask the Authorizer about.
const (
	CapHTTP          Capability = "http"
	CapCredentials   Capability = "credentials"
	CapCredentialRaw Capability = "credentials.raw"
	CapKV            Capability = "kv"
	CapBlob          Capability = "blob"
)

// Request is everything an Authorizer knows when it decides. It mirrors the
// input document the OPA policies evaluate.
type Request struct {
	Project    string     `json:"project,omitempty"`
	Actor      string     `json:"actor,omitempty"`
	Workflow   string     `json:"workflow,omitempty"`
	Execution  string     `json:"execution,omitempty"`
	Node       NodeRef    `json:"node"`
	Capability Capability `json:"capability"`
	Credential string     `json:"credential,omitempty"`
	HTTP       *HTTPRef   `json:"request,omitempty"`
}

// NodeRef identifies the code asking: its node type and the digest of the
// module that implements it.
type NodeRef struct {
	Name         string `json:"name,omitempty"`
	Type         string `json:"type"`
	ModuleDigest string `json:"moduleDigest,omitempty"`
}

// HTTPRef describes an outbound request for the http capability.
type HTTPRef struct {
	Host   string `json:"host"`
	IP     string `json:"ip,omitempty"`
	Method string `json:"method"`
}

// Decision is an Authorizer's answer. Reason is shown to the node author
// when the answer is no, so it must not contain secrets.
type Decision struct {
	Allow  bool
	Reason string
}

// Authorizer decides whether a node may use a capability. Host functions call
// it for every use; implementations must be safe for concurrent use and must
// fail closed: an error is treated as a denial.
type Authorizer interface {
	Authorize(ctx context.Context, req Request) (Decision, error)
}

// AuthorizerFunc adapts a function to an Authorizer.
type AuthorizerFunc func(ctx context.Context, req Request) (Decision, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, req Request) (Decision, error) {
	return f(ctx, req)
}

// DenyAll is the Authorizer of last resort: it allows nothing.
var DenyAll Authorizer = AuthorizerFunc(func(context.Context, Request) (Decision, error) {
	return Decision{Reason: "no policy allows it"}, nil
})

// ErrDenied is matched by every *DeniedError.
var ErrDenied = errors.New("hostfuncs: capability denied")

// DeniedError is the error a host function returns to the guest when the
// Authorizer says no or fails.
type DeniedError struct {
	Capability Capability
	NodeType   string
	Reason     string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("capability %s denied to node type %s: %s", e.Capability, e.NodeType, e.Reason)
}

// Is makes errors.Is(err, ErrDenied) true for any DeniedError.
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// Check asks a for a decision and turns anything but an explicit allow into a
// *DeniedError. A nil Authorizer denies: there is no ambient capability.
func Check(ctx context.Context, a Authorizer, req Request) error {
	if a == nil {
		a = DenyAll
	}
	d, err := a.Authorize(ctx, req)
	switch {
	case err != nil:
		return &DeniedError{Capability: req.Capability, NodeType: req.Node.Type, Reason: "policy evaluation failed"}
	case !d.Allow:
		reason := d.Reason
		if reason == "" {
			reason = "not allowed by policy"
		}
		return &DeniedError{Capability: req.Capability, NodeType: req.Node.Type, Reason: reason}
	}
	return nil
}

// Grants is a static Authorizer for tests and single-user setups: it allows
// a capability to the node types listed for it ("*" for every type).
type Grants map[Capability][]string

// Authorize allows req when its node type is listed under its capability.
func (g Grants) Authorize(_ context.Context, req Request) (Decision, error) {
	for _, t := range g[req.Capability] {
		if t == "*" || t == req.Node.Type {
			return Decision{Allow: true}, nil
		}
	}
	return Decision{Reason: fmt.Sprintf("no grant of %s to %s", req.Capability, req.Node.Type)}, nil
}

// String lists the grants in a stable order, for logs.
func (g Grants) String() string {
	caps := make([]string, 0, len(g))
	for c, types := range g {
		caps = append(caps, fmt.Sprintf("%s=%s", c, strings.Join(types, ",")))
	}
	sort.Strings(caps)
	return strings.Join(caps, " ")
}

var (
	_ Authorizer = AuthorizerFunc(nil)
	_ Authorizer = Grants(nil)
)
