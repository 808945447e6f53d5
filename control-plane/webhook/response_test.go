package webhook

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/weftrun/weft/api"
)

const jsonCT = "application/json; charset=utf-8"

// csp is the header every answer of a workflow carries.
var csp = map[string]string{"content-security-policy": SandboxCSP}

func headers(kv ...string) map[string]string {
	h := map[string]string{"content-security-policy": SandboxCSP}
	for i := 0; i < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	return h
}

func checkResponse(t *testing.T, got, want Response) {
	t.Helper()
	if got.Status != want.Status || string(got.Body) != string(want.Body) || got.ContentType != want.ContentType || !reflect.DeepEqual(got.Headers, want.Headers) {
		t.Errorf("got  %d %q %q %v\nwant %d %q %q %v", got.Status, got.ContentType, got.Body, got.Headers, want.Status, want.ContentType, want.Body, want.Headers)
	}
}

func TestReceived(t *testing.T) {
	tests := []struct {
		name string
		ep   Endpoint
		want Response
	}{
		{"n8n's default message", Endpoint{ResponseCode: 200},
			Response{200, csp, []byte(`{"message":"Workflow was started"}`), jsonCT}},
		{"options.responseData is sent as text", Endpoint{ResponseCode: 200, ResponseText: "<b>ok</b>"},
			Response{200, csp, []byte(`<b>ok</b>`), "text/html; charset=utf-8"}},
		{"no response body", Endpoint{ResponseCode: 200, NoResponseBody: true},
			Response{200, csp, nil, jsonCT}},
		{"responseData wins over noResponseBody", Endpoint{ResponseCode: 200, ResponseText: "hi", NoResponseBody: true},
			Response{200, csp, []byte(`hi`), "text/html; charset=utf-8"}},
		{"status and headers; a Content-Type header gets charset=utf-8",
			Endpoint{ResponseCode: 202, ResponseText: "queued", ResponseHeaders: []Header{{"X-Job", "7"}, {"Content-Type", "text/plain"}, {"Content-Length", "99"}}},
			Response{202, headers("x-job", "7"), []byte(`queued`), "text/plain; charset=utf-8"}},
		{"a Content-Type header is kept as is without a body",
			Endpoint{ResponseCode: 200, NoResponseBody: true, ResponseHeaders: []Header{{"content-type", "text/plain"}}},
			Response{200, csp, nil, "text/plain"}},
		{"204 has neither body nor Content-Type", Endpoint{ResponseCode: 204},
			Response{204, csp, nil, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkResponse(t, Received(tt.ep), tt.want) })
	}
}

func items(jsons ...string) []api.Item {
	out := make([]api.Item, len(jsons))
	for i, j := range jsons {
		out[i] = api.Item{JSON: json.RawMessage(j)}
	}
	return out
}

func TestLastNode(t *testing.T) {
	first := Endpoint{ResponseCode: 200, ResponseMode: ModeLastNode, ResponseData: DataFirstEntryJSON}
	withProp := func(p string) Endpoint { e := first; e.ResponsePropertyName = p; return e }
	binEp := Endpoint{ResponseCode: 200, ResponseMode: ModeLastNode, ResponseData: DataFirstEntryBinary, ResponseBinaryPropertyName: "img",
		ResponseHeaders: []Header{{"Content-Type", "text/plain"}, {"X-A", "1"}}}
	pic := []api.Item{{JSON: json.RawMessage(`{}`), Binary: json.RawMessage(`{"img":{"data":"iVBORw==","mimeType":"image/png","fileName":"a.png"}}`)}}
	tests := []struct {
		name  string
		ep    Endpoint
		items []api.Item
		want  Response
	}{
		{"first entry JSON", first, items(`{"greeting": "hello ann", "double": 42}`, `{"x":1}`),
			Response{200, csp, []byte(`{"greeting":"hello ann","double":42}`), jsonCT}},
		{"the last node recorded no data", first, nil,
			Response{200, csp, []byte(`{"message":"Workflow executed successfully but the last node did not return any data"}`), jsonCT}},
		{"a property of the first entry", withProp("data.n"), items(`{"data":{"n":[1,2]}}`),
			Response{200, csp, []byte(`[1,2]`), jsonCT}},
		{"a property through a list", withProp("rows[1].id"), items(`{"rows":[{"id":1},{"id":2}]}`),
			Response{200, csp, []byte(`2`), jsonCT}},
		{"a key holding the whole path wins", withProp("a.b"), items(`{"a.b":"flat","a":{"b":"deep"}}`),
			Response{200, csp, []byte(`flat`), "text/html; charset=utf-8"}},
		{"a string property is sent as text", withProp("html"), items(`{"html":"<p>hi</p>"}`),
			Response{200, csp, []byte(`<p>hi</p>`), "text/html; charset=utf-8"}},
		{"a missing property sends no body", withProp("nope"), items(`{"a":1}`),
			Response{200, csp, nil, jsonCT}},
		{"null is sent as JSON", withProp("n"), items(`{"n":null}`),
			Response{200, csp, []byte(`null`), jsonCT}},
		{"response content type", func() Endpoint {
			e := first
			e.ResponseContentType = "application/xml"
			e.ResponsePropertyName = "xml"
			return e
		}(),
			items(`{"xml":"<a/>"}`), Response{200, csp, []byte(`<a/>`), "application/xml; charset=utf-8"}},
		{"response content type with a JSON body", func() Endpoint { e := first; e.ResponseContentType = "application/vnd.x+json"; return e }(),
			items(`{"a":1}`), Response{200, csp, []byte(`{"a":1}`), "application/vnd.x+json; charset=utf-8"}},
		{"all entries", Endpoint{ResponseCode: 201, ResponseData: DataAllEntries}, items(`{"a":1}`, `{"b": [2]}`),
			Response{201, csp, []byte(`[{"a":1},{"b":[2]}]`), jsonCT}},
		{"all entries of no items", Endpoint{ResponseCode: 200, ResponseData: DataAllEntries}, items(),
			Response{200, csp, []byte(`[]`), jsonCT}},
		{"no data", Endpoint{ResponseCode: 200, ResponseData: DataNoData}, items(`{"a":1}`),
			Response{200, csp, nil, jsonCT}},
		{"first entry binary: the file with its type", binEp, pic,
			Response{200, headers("x-a", "1"), []byte{0x89, 'P', 'N', 'G'}, "image/png"}},
		{"first entry binary decodes base64 leniently", Endpoint{ResponseCode: 200, ResponseData: DataFirstEntryBinary, ResponseBinaryPropertyName: "data"},
			[]api.Item{{JSON: json.RawMessage(`{}`), Binary: json.RawMessage(`{"data":{"data":"aGk","mimeType":"text/plain"}}`)}},
			Response{200, csp, []byte("hi"), "text/plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LastNode(tt.ep, tt.items)
			if err != nil {
				t.Fatalf("LastNode: %v", err)
			}
			checkResponse(t, got, tt.want)
		})
	}
}

func TestLastNode_errors(t *testing.T) {
	binEp := Endpoint{ResponseCode: 200, ResponseData: DataFirstEntryBinary, ResponseBinaryPropertyName: "img", ResponseHeaders: []Header{{"X-A", "1"}}}
	tests := []struct {
		name  string
		ep    Endpoint
		items []api.Item
		msg   string
	}{
		{"first entry JSON without items", Endpoint{ResponseCode: 200, ResponseData: DataFirstEntryJSON, ResponseHeaders: []Header{{"X-A", "1"}}}, items(), "No item to return was found"},
		{"first entry binary without items", binEp, items(), "No item was found to return"},
		{"first entry binary without binary data", binEp, items(`{"a":1}`), "No binary data was found to return"},
		{"first entry binary without the property", binEp,
			[]api.Item{{JSON: json.RawMessage(`{}`), Binary: json.RawMessage(`{"data":{"data":"aGk=","mimeType":"text/plain"}}`)}},
			"The binary property 'img' which should be returned does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LastNode(tt.ep, tt.items)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %q", err, tt.msg)
			}
			checkResponse(t, got, Response{500, map[string]string{"x-a": "1"}, []byte(`{"code":0,"message":"` + tt.msg + `"}`), jsonCT})
		})
	}
}

func TestFailedAndNoResponse(t *testing.T) {
	ep := Endpoint{ResponseCode: 201, ResponseHeaders: []Header{{"X-A", "1"}}}
	checkResponse(t, Failed(ep, "node Set: boom"), Response{500, headers("x-a", "1"), []byte(`{"message":"Error in workflow"}`), jsonCT})
	checkResponse(t, NoResponse(ep), Response{201, headers("x-a", "1"), nil, jsonCT})
}

func TestFromNode(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want Response
	}{
		{"json", `{"status":200,"headers":{"x-id":"7"},"contentType":"application/json; charset=utf-8","body":"{\"ok\":true}"}`,
			Response{200, headers("x-id", "7"), []byte(`{"ok":true}`), jsonCT}},
		{"binary", `{"status":201,"headers":{},"contentType":"image/png","body":"iVBORw==","encoding":"base64"}`,
			Response{201, csp, []byte{0x89, 'P', 'N', 'G'}, "image/png"}},
		{"redirect without a body", `{"status":307,"headers":{"location":"https://n8n.io"},"contentType":"application/json; charset=utf-8"}`,
			Response{307, headers("location", "https://n8n.io"), nil, jsonCT}},
		{"header names are lower-cased; Content-Type and Content-Length leave the headers",
			`{"status":200,"headers":{"X-A":"1","Content-Type":"text/csv","content-length":"3"},"body":"a,b"}`,
			Response{200, headers("x-a", "1"), []byte("a,b"), "text/csv"}},
		{"status defaults to 200", `{"body":"x","contentType":"text/html; charset=utf-8"}`,
			Response{200, csp, []byte("x"), "text/html; charset=utf-8"}},
		{"204 strips the body", `{"status":204,"contentType":"text/plain","body":"gone"}`,
			Response{204, csp, nil, ""}},
		{"the node's own CSP is replaced", `{"status":200,"headers":{"content-security-policy":"none"},"body":""}`,
			Response{200, csp, []byte{}, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromNode(json.RawMessage(tt.doc))
			if err != nil {
				t.Fatalf("FromNode: %v", err)
			}
			checkResponse(t, got, tt.want)
		})
	}
	for _, bad := range []string{
		`[1]`,
		`{"status":42}`,
		`{"status":1000}`,
		`{"body":"!!","encoding":"base64"}`,
		`{"body":"x","encoding":"gzip"}`,
		`{"headers":{"a":1}}`,
	} {
		if _, err := FromNode(json.RawMessage(bad)); err == nil {
			t.Errorf("FromNode(%s): no error", bad)
		}
	}
}

func TestAddEndpointHeaders(t *testing.T) {
	ep := Endpoint{ResponseHeaders: []Header{{"X-A", "webhook"}, {"X-B", "webhook"}, {"Content-Type", "text/plain"}}}
	r := AddEndpointHeaders(ep, Response{Status: 200, Headers: map[string]string{"x-a": "node"}})
	checkResponse(t, r, Response{200, map[string]string{"x-a": "node", "x-b": "webhook"}, nil, "text/plain"})
	r = AddEndpointHeaders(ep, Response{Status: 200, Headers: map[string]string{}, ContentType: "image/png"})
	if r.ContentType != "image/png" {
		t.Errorf("ContentType = %q, the node's wins", r.ContentType)
	}
	r = AddEndpointHeaders(Endpoint{}, Response{Status: 200})
	if r.Headers != nil {
		t.Errorf("headers %v from an endpoint without any", r.Headers)
	}
}

func TestNotFound(t *testing.T) {
	r := NotFound("POST", "/bench/", nil)
	if r.Status != 404 || r.ContentType != jsonCT || r.Headers["allow"] != "" ||
		!strings.HasPrefix(string(r.Body), `{"code":404,"message":"The requested webhook \"POST bench\" is not registered.","hint":"The workflow must be active`) {
		t.Errorf("404: %d %s", r.Status, r.Body)
	}
	r = NotFound("DELETE", "orders", []string{"GET", "POST", "PUT"})
	want := `{"code":405,"message":"This webhook is not registered for DELETE requests. Did you mean to make a GET, POST or PUT request?"}`
	if r.Status != 405 || r.Headers["allow"] != "GET, POST, PUT" || string(r.Body) != want {
		t.Errorf("405: %d %v %s", r.Status, r.Headers, r.Body)
	}
	r = NotFound("GET", "orders", []string{"POST"})
	if !strings.Contains(string(r.Body), "Did you mean to make a POST request?") {
		t.Errorf("one method: %s", r.Body)
	}
}

func TestRefuse(t *testing.T) {
	req := Request{Headers: map[string]string{"user-agent": "Mozilla/5.0"}}
	if _, refused := Refuse(Endpoint{}, req, "1.2.3.4"); refused {
		t.Error("no filters refused")
	}
	ep := Endpoint{IPWhitelist: "10.0.0.1, 192.168.1."}
	if _, refused := Refuse(ep, req, "::ffff:10.0.0.1"); refused {
		t.Error("an allowed address was refused")
	}
	if _, refused := Refuse(ep, req, "127.0.0.1", "192.168.1.20"); refused {
		t.Error("an allowed proxy chain was refused")
	}
	r, refused := Refuse(ep, req, "10.0.0.2")
	if !refused || r.Status != 403 || string(r.Body) != "IP is not whitelisted to access the webhook!" {
		t.Errorf("refused %v: %d %s", refused, r.Status, r.Body)
	}
	bots := Endpoint{IgnoreBots: true}
	if _, refused := Refuse(bots, req); refused {
		t.Error("a browser was refused as a bot")
	}
	r, refused = Refuse(bots, Request{Headers: map[string]string{"user-agent": "Slackbot-LinkExpanding 1.0"}})
	if !refused || r.Status != 403 || r.Headers["www-authenticate"] != `Basic realm="Webhook"` || string(r.Body) != "Authorization data is wrong!" {
		t.Errorf("bot: %v %d %v %s", refused, r.Status, r.Headers, r.Body)
	}
	// Without credentials to check against, a webhook that asks for
	// authentication refuses every call, even one that sends some.
	for _, auth := range []string{"basicAuth", "headerAuth", "jwtAuth"} {
		withAuth := Request{Headers: map[string]string{"user-agent": "Mozilla/5.0", "authorization": "Basic dXNlcjpwYXNz"}}
		r, refused := Refuse(Endpoint{Authentication: auth}, withAuth)
		if !refused || r.Status != 500 || r.Headers["www-authenticate"] != `Basic realm="Webhook"` || string(r.Body) != "No authentication data defined on node!" {
			t.Errorf("%s: %v %d %v %s", auth, refused, r.Status, r.Headers, r.Body)
		}
	}
	if _, refused := Refuse(Endpoint{Authentication: "none"}, req); refused {
		t.Error("authentication none refused")
	}
	// The address check comes first, as in n8n.
	if r, _ := Refuse(Endpoint{IPWhitelist: "10.0.0.1", Authentication: "basicAuth"}, req, "10.0.0.2"); r.Status != 403 {
		t.Errorf("address and authentication: %d, want the address's 403", r.Status)
	}
}

func TestWithCharset(t *testing.T) {
	for in, want := range map[string]string{
		"text/plain":                      "text/plain; charset=utf-8",
		"Application/XML; charset=latin1": "application/xml; charset=utf-8",
		"text/csv; header=present":        "text/csv; charset=utf-8; header=present",
		"not a type":                      "not a type",
	} {
		if got := withCharset(in); got != want {
			t.Errorf("withCharset(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitPath(t *testing.T) {
	for in, want := range map[string][]string{
		"a":          {"a"},
		"a.b.c":      {"a", "b", "c"},
		"a[0].b":     {"a", "0", "b"},
		`a["x.y"].z`: {"a", "x.y", "z"},
		"a['k']":     {"a", "k"},
		"a..b":       {"a", "", "b"},
	} {
		if got := splitPath(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitPath(%q) = %q, want %q", in, got, want)
		}
	}
}
