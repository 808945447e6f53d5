package webhook

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
)

// workflow builds a workflow with id "wf1" from node documents.
func workflow(t testing.TB, nodes ...string) *api.Workflow {
	t.Helper()
	doc := `{"id":"wf1","name":"w","versionId":"v7","nodes":[` + strings.Join(nodes, ",") + `],"connections":{}}`
	wf, err := api.ParseWorkflow([]byte(doc))
	if err != nil {
		t.Fatalf("ParseWorkflow: %v", err)
	}
	return wf
}

// hook is a Webhook node document.
func hook(name string, version float64, webhookID, params string) string {
	id := ""
	if webhookID != "" {
		id = `"webhookId":"` + webhookID + `",`
	}
	return `{"name":"` + name + `","type":"n8n-nodes-base.webhook","typeVersion":` + strconv.FormatFloat(version, 'f', -1, 64) + `,` + id + `"position":[0,0],"parameters":` + params + `}`
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		name string
		node string
		want Endpoint
	}{
		{
			name: "bench: POST, last node, first entry JSON",
			node: hook("Webhook", 2, "2222", `{"httpMethod":"POST","path":"bench","responseMode":"lastNode","options":{}}`),
			want: Endpoint{Node: "Webhook", TypeVersion: 2, WebhookID: "2222", Methods: []string{"POST"}, Path: "bench", URLPath: "bench",
				ResponseMode: ModeLastNode, ResponseData: DataFirstEntryJSON, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "defaults: GET, on received, an empty path stands for the webhookId",
			node: hook("Hook", 1, "abc-123", `{}`),
			want: Endpoint{Node: "Hook", TypeVersion: 1, WebhookID: "abc-123", Methods: []string{"GET"}, Path: "abc-123", URLPath: "abc-123",
				ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "a path with parameters is prefixed by the webhookId",
			node: hook("Hook", 2, "abc", `{"path":"user/:id/posts/:post"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "abc/user/:id/posts/:post", Dynamic: true,
				URLPath: "abc/user/:id/posts/:post", ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "a path starting with a parameter",
			node: hook("Hook", 2, "abc", `{"path":"/:slug"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "abc/:slug", Dynamic: true,
				URLPath: "abc/:slug", ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "without a webhookId: workflow id, encoded lower-case node name, path; parameters stay literal",
			node: hook("My Hook/Ä", 1.1, "", `{"path":"user/:id"}`),
			want: Endpoint{Node: "My Hook/Ä", TypeVersion: 1.1, Methods: []string{"GET"}, Path: "wf1/my%20hook%2F%C3%A4/user/:id",
				URLPath: "wf1/my%20hook%2F%C3%A4/user/:id", ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "one leading and one trailing slash go; the URL keeps the trailing one",
			node: hook("Hook", 2, "abc", `{"path":"/orders/new/"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "orders/new", URLPath: "orders/new/",
				ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "a plain = expression is its text",
			node: hook("Hook", 2, "abc", `{"path":"=bench","httpMethod":"=PUT"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"PUT"}, Path: "bench", URLPath: "bench",
				ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "version 1 response code, response headers, text answer and raw body",
			node: hook("Hook", 1, "abc", `{"path":"p","responseCode":201,"options":{"responseData":"ok","rawBody":true,"binaryData":true,"binaryPropertyName":"file",`+
				`"responseHeaders":{"entries":[{"name":"X-Trace","value":"t1"},{"name":"","value":"skipped"}]},"allowedOrigins":"https://a.example","ipWhitelist":"10.0.0.1","ignoreBots":true}}`),
			want: Endpoint{Node: "Hook", TypeVersion: 1, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeOnReceived, ResponseCode: 201, ResponseText: "ok", RawBody: true, BinaryData: true, BinaryPropertyName: "file",
				ResponseHeaders: []Header{{"X-Trace", "t1"}}, AllowedOrigins: "https://a.example", IPWhitelist: "10.0.0.1", IgnoreBots: true, Authentication: "none"},
		},
		{
			name: "version 1 ignores the response code in responseNode mode; without a Respond node nothing can answer",
			node: hook("Hook", 1, "abc", `{"path":"p","responseCode":201,"responseMode":"responseNode"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 1, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeResponseNode, RespondNodeMissing: true, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "version 2 takes the custom code of options.responseCode, ignores the top-level one and binaryData",
			node: hook("Hook", 2, "abc", `{"path":"p","responseCode":201,"options":{"binaryData":true,"noResponseBody":true,"responseCode":{"values":{"responseCode":"customCode","customCode":418}}}}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeOnReceived, ResponseCode: 418, NoResponseBody: true, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "version 2 options.responseCode without a custom code",
			node: hook("Hook", 2.1, "abc", `{"path":"p","options":{"responseCode":{"values":{"responseCode":202}}}}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2.1, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeOnReceived, ResponseCode: 202, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "several methods, in the node's order",
			node: hook("Hook", 2.1, "abc", `{"path":"p","multipleMethods":true,"httpMethod":["PUT","DELETE","POST"]}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2.1, WebhookID: "abc", Methods: []string{"PUT", "DELETE", "POST"}, MultipleMethods: true,
				Path: "p", URLPath: "p", ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "several methods default to GET and POST",
			node: hook("Hook", 2, "abc", `{"path":"p","multipleMethods":true}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET", "POST"}, MultipleMethods: true,
				Path: "p", URLPath: "p", ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "responseData counts in lastNode mode only",
			node: hook("Hook", 2, "abc", `{"path":"p","responseData":"allEntries","responseBinaryPropertyName":"img"}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeOnReceived, ResponseCode: 200, AllowedOrigins: "*", Authentication: "none"},
		},
		{
			name: "first entry binary with its property, content type and property name options",
			node: hook("Hook", 2, "abc", `{"path":"p","responseMode":"lastNode","responseData":"firstEntryBinary","responseBinaryPropertyName":"img",`+
				`"authentication":"basicAuth","options":{"responseContentType":"application/xml","responsePropertyName":"data.x"}}`),
			want: Endpoint{Node: "Hook", TypeVersion: 2, WebhookID: "abc", Methods: []string{"GET"}, Path: "p", URLPath: "p",
				ResponseMode: ModeLastNode, ResponseData: DataFirstEntryBinary, ResponseBinaryPropertyName: "img", ResponseCode: 200,
				ResponseContentType: "application/xml", ResponsePropertyName: "data.x", AllowedOrigins: "*", Authentication: "basicAuth"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eps, err := Endpoints(workflow(t, tt.node))
			if err != nil {
				t.Fatalf("Endpoints: %v", err)
			}
			if len(eps) != 1 {
				t.Fatalf("got %d endpoints, want 1", len(eps))
			}
			if !reflect.DeepEqual(eps[0], tt.want) {
				t.Errorf("got  %+v\nwant %+v", eps[0], tt.want)
			}
		})
	}
}

func TestEndpoints_skipsDisabledAndOtherNodes(t *testing.T) {
	wf := workflow(t,
		`{"name":"Off","type":"n8n-nodes-base.webhook","typeVersion":2,"webhookId":"a","disabled":true,"position":[0,0],"parameters":{"path":"off"}}`,
		`{"name":"Set","type":"n8n-nodes-base.set","typeVersion":3.4,"position":[0,0],"parameters":{"path":"x"}}`,
		hook("On", 2, "b", `{"path":"on"}`),
	)
	eps, err := Endpoints(wf)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || eps[0].Node != "On" || eps[0].Path != "on" {
		t.Fatalf("got %+v, want only node On", eps)
	}
}

func TestEndpoints_unsavedWorkflow(t *testing.T) {
	wf := workflow(t, hook("Hook", 1, "", `{"path":"x"}`))
	wf.ID = ""
	eps, err := Endpoints(wf)
	if err != nil {
		t.Fatal(err)
	}
	if eps[0].Path != "__UNSAVED__/hook/x" {
		t.Fatalf("Path = %q", eps[0].Path)
	}
}

func TestEndpoints_errors(t *testing.T) {
	tests := []struct {
		name  string
		nodes []string
		node  string // the node the first error names
		field string
		msg   string // in the message
	}{
		{"unknown method", []string{hook("Hook", 2, "a", `{"httpMethod":"FETCH","path":"p"}`)}, "Hook", "parameters.httpMethod", `"FETCH" is not an HTTP method`},
		{"lower-case method", []string{hook("Hook", 2, "a", `{"httpMethod":"post","path":"p"}`)}, "Hook", "parameters.httpMethod", `"post"`},
		{"a method list without multipleMethods", []string{hook("Hook", 2, "a", `{"httpMethod":["GET"],"path":"p"}`)}, "Hook", "parameters.httpMethod", "want a string"},
		{"an empty method list", []string{hook("Hook", 2, "a", `{"multipleMethods":true,"httpMethod":[],"path":"p"}`)}, "Hook", "parameters.httpMethod", "want a list"},
		{"a method listed twice", []string{hook("Hook", 2, "a", `{"multipleMethods":true,"httpMethod":["GET","GET"],"path":"p"}`)}, "Hook", "parameters.httpMethod", "listed twice"},
		{"an expression path", []string{hook("Hook", 2, "a", `{"path":"={{ $json.p }}"}`)}, "Hook", "parameters.path", "expression"},
		{"a parameter without a name", []string{hook("Hook", 2, "a", `{"path":"user/:"}`)}, "Hook", "parameters.path", "without a name"},
		{"streaming", []string{hook("Hook", 2.1, "a", `{"path":"p","responseMode":"streaming"}`)}, "Hook", "parameters.responseMode", "streaming"},
		{"unknown response mode", []string{hook("Hook", 2, "a", `{"path":"p","responseMode":"later"}`)}, "Hook", "parameters.responseMode", `"later"`},
		{"unknown response data", []string{hook("Hook", 2, "a", `{"path":"p","responseMode":"lastNode","responseData":"firstEntryXml"}`)}, "Hook", "parameters.responseData", `"firstEntryXml"`},
		{"a status out of range", []string{hook("Hook", 1, "a", `{"path":"p","responseCode":700}`)}, "Hook", "parameters.responseCode", "700"},
		{"a response code that is not a number", []string{hook("Hook", 1, "a", `{"path":"p","responseCode":"fast"}`)}, "Hook", "parameters.responseCode", "whole number"},
		{"bad response headers", []string{hook("Hook", 2, "a", `{"path":"p","options":{"responseHeaders":[1]}}`)}, "Hook", "parameters.options.responseHeaders", "entries"},
		{"unknown version", []string{hook("Hook", 3, "a", `{"path":"p"}`)}, "Hook", "typeVersion", "no version 3"},
		{"unknown authentication", []string{hook("Hook", 2, "a", `{"path":"p","authentication":"oauth"}`)}, "Hook", "parameters.authentication", `"oauth"`},
		{
			"two nodes on the same method and path",
			[]string{hook("A", 2, "a", `{"httpMethod":"POST","path":"orders"}`), hook("B", 1, "b", `{"httpMethod":"POST","path":"/orders/"}`)},
			"B", "parameters.path", `POST "orders" is also the path of node "A"`,
		},
		{
			"several methods overlapping another node",
			[]string{hook("A", 2, "a", `{"path":"x"}`), hook("B", 2, "b", `{"multipleMethods":true,"path":"x"}`)},
			"B", "parameters.path", `GET "x" is also the path of node "A"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Endpoints(workflow(t, tt.nodes...))
			if err == nil {
				t.Fatal("no error")
			}
			var ve *api.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T %v is not a *api.ValidationError", err, err)
			}
			if ve.Node != tt.node || ve.Field != tt.field || !strings.Contains(ve.Message, tt.msg) || !strings.Contains(ve.Message, `"`+tt.node+`"`) {
				t.Errorf("got node %q field %q message %q; want node %q field %q message containing %q", ve.Node, ve.Field, ve.Message, tt.node, tt.field, tt.msg)
			}
		})
	}
}

func TestEndpoints_sameMethodsOnDifferentPathsAreFine(t *testing.T) {
	eps, err := Endpoints(workflow(t,
		hook("A", 2, "a", `{"httpMethod":"POST","path":"x"}`),
		hook("B", 2, "b", `{"httpMethod":"GET","path":"x"}`),
		hook("C", 2, "c", `{"httpMethod":"POST","path":"y"}`),
	))
	if err != nil || len(eps) != 3 {
		t.Fatalf("got %d endpoints, %v", len(eps), err)
	}
}

func TestEndpoints_reportsEveryBadNode(t *testing.T) {
	_, err := Endpoints(workflow(t, hook("A", 2, "a", `{"httpMethod":"X","path":"x"}`), hook("B", 2, "b", `{"httpMethod":"Y","path":"y"}`)))
	if err == nil || !strings.Contains(err.Error(), `node "A"`) || !strings.Contains(err.Error(), `node "B"`) {
		t.Fatalf("error %v should name both nodes", err)
	}
}

func TestRegistrations(t *testing.T) {
	regs, err := Registrations(workflow(t, hook("Hook", 2, "a", `{"path":"x","httpMethod":"POST"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].WorkflowID != "wf1" || regs[0].Version != "v7" || regs[0].Node != "Hook" || regs[0].Endpoint.Path != "x" {
		t.Fatalf("got %+v", regs)
	}
}

func TestEndpoint_OutputAndStartData(t *testing.T) {
	item := api.Item{JSON: []byte(`{"a":1}`)}
	multi := Endpoint{Methods: []string{"PUT", "POST"}, MultipleMethods: true}
	if got := multi.Output("POST"); got != 1 {
		t.Errorf("Output(POST) = %d, want 1", got)
	}
	if got := multi.Output("GET"); got != -1 {
		t.Errorf("Output(GET) = %d, want -1", got)
	}
	sd := StartData(multi, "POST", item)
	if len(sd) != 2 || len(sd[0]) != 0 || sd[0] == nil || len(sd[1]) != 1 || string(sd[1][0].JSON) != `{"a":1}` {
		t.Errorf("StartData = %+v", sd)
	}
	single := Endpoint{Methods: []string{"GET"}}
	if got := single.Output("GET"); got != 0 {
		t.Errorf("Output(GET) = %d, want 0", got)
	}
	sd = StartData(single, "GET", item)
	if len(sd) != 1 || len(sd[0]) != 1 {
		t.Errorf("StartData = %+v", sd)
	}
}

func TestEncodeURIComponent(t *testing.T) {
	for in, want := range map[string]string{
		"webhook":       "webhook",
		"my node":       "my%20node",
		"a/b?c=d&e":     "a%2Fb%3Fc%3Dd%26e",
		"keep-_.!~*'()": "keep-_.!~*'()",
		"é":             "%C3%A9",
	} {
		if got := encodeURIComponent(in); got != want {
			t.Errorf("encodeURIComponent(%q) = %q, want %q", in, got, want)
		}
	}
}
