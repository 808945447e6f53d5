package webhook

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// reg is a registration of one node of a workflow.
func reg(wf, node, path string, dynamic bool, methods ...string) Registration {
	return Registration{WorkflowID: wf, Version: "v1", Node: node,
		Endpoint: Endpoint{Node: node, Path: path, Dynamic: dynamic, Methods: methods}}
}

func TestRegistry_Match(t *testing.T) {
	r := NewRegistry()
	must(t, r.Set("A", []Registration{
		reg("A", "Orders", "orders", false, "POST"),
		reg("A", "Orders list", "orders", false, "GET"),
		reg("A", "User", "abc/user/:id", true, "GET"),
		reg("A", "User posts", "abc/user/:id/posts/:post", true, "GET", "DELETE"),
		reg("A", "Anything", "abc/:a/:b", true, "GET"),
		reg("A", "Me", "abc/user/me", false, "GET"),
		reg("A", "Literal", "wf1/hook/user/:id", false, "GET"),
	}))
	must(t, r.Set("B", []Registration{reg("B", "Slug", "xyz/:slug", true, "POST")}))

	tests := []struct {
		method, path string
		node         string // "" for no match
		params       map[string]string
	}{
		{"POST", "orders", "Orders", nil},
		{"GET", "orders", "Orders list", nil},
		{"POST", "/orders/", "Orders", nil},
		{"POST", "orders/", "Orders", nil},
		{"PUT", "orders", "", nil},
		{"POST", "Orders", "", nil},
		{"POST", "orders/x", "", nil},
		{"GET", "abc/user/42", "User", map[string]string{"id": "42"}},
		{"GET", "abc/user/42/", "User", map[string]string{"id": "42"}},
		{"GET", "abc/user/me", "Me", nil},
		{"GET", "abc/user/7/posts/9", "User posts", map[string]string{"id": "7", "post": "9"}},
		{"DELETE", "abc/user/7/posts/9", "User posts", map[string]string{"id": "7", "post": "9"}},
		{"GET", "abc/team/9", "Anything", map[string]string{"a": "team", "b": "9"}},
		{"GET", "abc/user", "", nil},
		{"GET", "abc", "", nil},
		{"GET", "zzz/user/1", "", nil},
		{"GET", "wf1/hook/user/:id", "Literal", nil},
		{"GET", "wf1/hook/user/5", "", nil},
		{"POST", "xyz/hello world", "Slug", map[string]string{"slug": "hello world"}},
		{"GET", "xyz/hello", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			got, params, ok := r.Match(tt.method, tt.path)
			if tt.node == "" {
				if ok {
					t.Fatalf("matched %q, want no match", got.Node)
				}
				return
			}
			if !ok {
				t.Fatalf("no match, want %q", tt.node)
			}
			if got.Node != tt.node || got.Endpoint.Node != tt.node {
				t.Errorf("matched %q, want %q", got.Node, tt.node)
			}
			if !reflect.DeepEqual(params, tt.params) {
				t.Errorf("params = %v, want %v", params, tt.params)
			}
		})
	}
	if got, _, _ := r.Match("POST", "xyz/a"); got.WorkflowID != "B" || got.Version != "v1" {
		t.Errorf("registration = %+v, want workflow B version v1", got)
	}

	// As sent, escapes and all: an escaped slash stays within its segment.
	escaped := []struct {
		method, path string
		node         string
		params       map[string]string
	}{
		{"GET", "abc/user/a%2Fb", "User", map[string]string{"id": "a/b"}},
		{"GET", "/abc/user/a%2fb/posts/x%20y/", "User posts", map[string]string{"id": "a/b", "post": "x y"}},
		{"POST", "xyz/hello%20world", "Slug", map[string]string{"slug": "hello world"}},
		{"POST", "or%64ers", "Orders", nil},
		{"POST", "orders%2Fx", "", nil},
		{"GET", "abc%2Fuser/1", "", nil},
		{"GET", "abc/user/%zz", "", nil},
	}
	for _, tt := range escaped {
		got, params, ok := r.MatchEscaped(tt.method, tt.path)
		if ok != (tt.node != "") || got.Node != tt.node || !reflect.DeepEqual(params, tt.params) {
			t.Errorf("MatchEscaped(%s %s) = %q %v %v, want %q %v", tt.method, tt.path, got.Node, params, ok, tt.node, tt.params)
		}
	}
}

func TestRegistry_Methods(t *testing.T) {
	r := &Registry{} // the zero value works
	if got := r.Methods("x"); got != nil {
		t.Fatalf("empty registry: Methods = %v", got)
	}
	if _, _, ok := r.Match("GET", "x"); ok {
		t.Fatal("empty registry matched")
	}
	must(t, r.Set("A", []Registration{
		reg("A", "P", "orders", false, "POST", "PUT"),
		reg("A", "G", "orders", false, "GET"),
		reg("A", "D", "abc/item/:id", true, "DELETE"),
	}))
	tests := []struct {
		path string
		want []string
	}{
		{"orders", []string{"GET", "POST", "PUT"}},
		{"/orders/", []string{"GET", "POST", "PUT"}},
		{"abc/item/3", []string{"DELETE"}},
		{"abc/item", nil},
		{"nothing/here", nil},
	}
	for _, tt := range tests {
		if got := r.Methods(tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Methods(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestRegistry_Set_conflicts(t *testing.T) {
	r := NewRegistry()
	must(t, r.Set("A", []Registration{reg("A", "Hook", "orders", false, "POST")}))

	err := r.Set("B", []Registration{reg("B", "Other", "orders", false, "GET", "POST")})
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Set B: %v, want a *ConflictError", err)
	}
	want := ConflictError{Method: "POST", Path: "orders", WorkflowID: "B", Node: "Other", OtherWorkflowID: "A", OtherNode: "Hook"}
	if *ce != want {
		t.Errorf("conflict = %+v, want %+v", *ce, want)
	}
	for _, s := range []string{`"A"`, `"B"`, `"Hook"`, `"Other"`, "POST", `"orders"`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q does not name %s", err.Error(), s)
		}
	}
	// B was refused as a whole: its GET is not registered either.
	if _, _, ok := r.Match("GET", "orders"); ok {
		t.Error("the refused workflow's other method was registered")
	}
	if got, _, _ := r.Match("POST", "orders"); got.WorkflowID != "A" {
		t.Errorf("POST orders belongs to %q, want A", got.WorkflowID)
	}

	// Another method on the same path is no conflict.
	must(t, r.Set("B", []Registration{reg("B", "Other", "orders", false, "GET")}))
	// A workflow may re-register its own paths.
	must(t, r.Set("A", []Registration{reg("A", "Hook", "orders", false, "POST"), reg("A", "Two", "two", false, "POST")}))
	// Dynamic paths conflict on webhookId, pattern and method.
	must(t, r.Set("C", []Registration{reg("C", "Dyn", "abc/:id", true, "GET")}))
	if err := r.Set("D", []Registration{reg("D", "Dyn", "abc/:id", true, "GET")}); !errors.As(err, &ce) {
		t.Errorf("same dynamic path: %v", err)
	}
	// A static path that reads like a dynamic one is another endpoint.
	must(t, r.Set("D", []Registration{reg("D", "Literal", "abc/:id", false, "GET")}))

	// Two claims inside one set.
	err = r.Set("E", []Registration{reg("E", "X", "e", false, "GET"), reg("E", "Y", "e", false, "GET")})
	if !errors.As(err, &ce) || ce.OtherWorkflowID != "E" || ce.OtherNode != "X" || ce.Node != "Y" {
		t.Errorf("duplicate inside one set: %v", err)
	}

	// Once A is gone, its path is free.
	r.Remove("A")
	if _, _, ok := r.Match("POST", "orders"); ok {
		t.Error("removed workflow still matches")
	}
	if got := r.Registrations("A"); got != nil {
		t.Errorf("Registrations(A) = %v after Remove", got)
	}
	must(t, r.Set("B", []Registration{reg("B", "Other", "orders", false, "GET", "POST")}))
	if got := r.Registrations("B"); len(got) != 1 || got[0].Node != "Other" {
		t.Errorf("Registrations(B) = %+v", got)
	}
	// An empty set removes.
	must(t, r.Set("B", nil))
	if _, _, ok := r.Match("GET", "orders"); ok {
		t.Error("emptied workflow still matches")
	}
}

func TestRegistry_Set_badRegistrations(t *testing.T) {
	r := NewRegistry()
	if err := r.Set("A", []Registration{reg("B", "Hook", "x", false, "GET")}); err == nil {
		t.Error("a registration of another workflow was accepted")
	}
	if err := r.Set("A", []Registration{reg("A", "Hook", "", false, "GET")}); err == nil {
		t.Error("a registration without a path was accepted")
	}
	if err := r.Set("A", []Registration{reg("A", "Hook", "x", false)}); err == nil {
		t.Error("a registration without methods was accepted")
	}
	// The workflow id is filled in when missing.
	must(t, r.Set("A", []Registration{reg("", "Hook", "x", false, "GET")}))
	if got, _, _ := r.Match("GET", "x"); got.WorkflowID != "A" {
		t.Errorf("WorkflowID = %q", got.WorkflowID)
	}
}

func TestRegistry_concurrent(t *testing.T) {
	r := NewRegistry()
	must(t, r.Set("base", []Registration{reg("base", "Hook", "stable", false, "POST")}))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, ok := r.Match("POST", "stable"); !ok {
					t.Error("stable path stopped matching")
					return
				}
				r.Match("GET", "abc/x")
				r.Methods("stable")
			}
		}()
	}
	for i := 0; i < 200; i++ {
		id := fmt.Sprintf("wf%d", i%7)
		_ = r.Set(id, []Registration{reg(id, "Hook", fmt.Sprintf("p%d", i), false, "GET"), reg(id, "Dyn", "abc/:"+id, true, "GET")})
		if i%3 == 0 {
			r.Remove(id)
		}
	}
	close(stop)
	wg.Wait()
}

func BenchmarkRegistry_Match(b *testing.B) {
	r := NewRegistry()
	for i := 0; i < 1000; i++ {
		id := fmt.Sprintf("wf%d", i)
		must(b, r.Set(id, []Registration{
			reg(id, "Hook", fmt.Sprintf("path-%d", i), false, "POST"),
			reg(id, "Dyn", fmt.Sprintf("id%d/user/:id", i), true, "GET"),
		}))
	}
	b.Run("static", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := r.Match("POST", "/path-500/"); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("dynamic", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := r.Match("GET", "id500/user/42"); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("static-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r.Match("POST", "path-500")
			}
		})
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
