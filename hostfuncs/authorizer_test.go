package hostfuncs

import (
	"context"
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	ctx := context.Background()
	failing := AuthorizerFunc(func(context.Context, Request) (Decision, error) {
		return Decision{Allow: true}, errors.New("policy engine down")
	})
	grants := Grants{CapHTTP: {"n8n-nodes-base.httpRequest"}, CapKV: {"*"}}
	tests := []struct {
		name   string
		a      Authorizer
		req    Request
		allow  bool
		reason string
	}{
		{"nil authorizer denies", nil, Request{Capability: CapHTTP, Node: NodeRef{Type: "x"}}, false, "no policy allows it"},
		{"deny all", DenyAll, Request{Capability: CapKV, Node: NodeRef{Type: "x"}}, false, "no policy allows it"},
		{"error fails closed even with allow", failing, Request{Capability: CapKV, Node: NodeRef{Type: "x"}}, false, "policy evaluation failed"},
		{"granted type", grants, Request{Capability: CapHTTP, Node: NodeRef{Type: "n8n-nodes-base.httpRequest"}}, true, ""},
		{"other type", grants, Request{Capability: CapHTTP, Node: NodeRef{Type: "n8n-nodes-base.code"}}, false, "no grant of http to n8n-nodes-base.code"},
		{"wildcard", grants, Request{Capability: CapKV, Node: NodeRef{Type: "anything"}}, true, ""},
		{"capability not granted", grants, Request{Capability: CapCredentialRaw, Node: NodeRef{Type: "anything"}}, false, "no grant of credentials.raw to anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(ctx, tt.a, tt.req)
			if tt.allow {
				if err != nil {
					t.Fatalf("Check = %v, want allowed", err)
				}
				return
			}
			var denied *DeniedError
			if !errors.As(err, &denied) || !errors.Is(err, ErrDenied) {
				t.Fatalf("Check = %v, want *DeniedError", err)
			}
			if denied.Reason != tt.reason || denied.Capability != tt.req.Capability {
				t.Fatalf("denied = %+v, want reason %q", denied, tt.reason)
			}
		})
	}
}
