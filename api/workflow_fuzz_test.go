package api

import (
	"bytes"
	"testing"
)

// FuzzParseWorkflow checks that parsing never panics and that whatever
// parses writes back as the same document, which parses again to the same
// bytes. Validation and the graph helpers must not panic either.
func FuzzParseWorkflow(f *testing.F) {
	for _, doc := range conformanceWorkflows(f) {
		f.Add(doc)
	}
	f.Add([]byte(unknownFieldsDoc))
	f.Add([]byte(graphDoc))
	for _, d := range presenceDocs {
		f.Add([]byte(d.doc))
	}
	f.Add([]byte(`{"nodes":[{"name":"A","position":[1,2,3]}],"connections":{"A":{"main":[null,[],[{"node":"A","index":-1}]]}},"pinData":{"A":[{"a":1},{"json":{}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWorkflow(data)
		if err != nil {
			return
		}
		out, err := w.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a parsed workflow: %v", err)
		}
		if !sameJSON(t, data, out) {
			t.Fatalf("round trip changed the document\n in: %s\nout: %s", data, out)
		}
		w2, err := ParseWorkflow(out)
		if err != nil {
			t.Fatalf("written workflow does not parse: %v\n%s", err, out)
		}
		out2, err := w2.MarshalJSON()
		if err != nil {
			t.Fatalf("second MarshalJSON: %v", err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("second round differs\n1: %s\n2: %s", out, out2)
		}
		w.Validate(nil)
		w.Validate(testTypes)
		for i := range w.Nodes {
			name := w.Nodes[i].Name
			w.NodeByName(name)
			w.Parents(name)
			w.Children(name, 0)
			w.PinData.Items(name)
		}
		w.StartNodes()
	})
}
