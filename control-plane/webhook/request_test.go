package webhook

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fixedNames makes the names of files that came without one predictable.
func fixedNames(t *testing.T) {
	t.Helper()
	oldFile, oldUpload := newFileName, newUploadName
	n := 0
	newFileName = func() string { return "00000000-0000-4000-8000-000000000000" }
	newUploadName = func() string { n++; return fmt.Sprintf("upload%d", n) }
	t.Cleanup(func() { newFileName, newUploadName = oldFile, oldUpload })
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// multipartBody builds a multipart/form-data body from raw parts (headers,
// blank line, content).
func multipartDoc(parts ...string) []byte {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--XyZ\r\n" + p + "\r\n")
	}
	b.WriteString("--XyZ--\r\n")
	return []byte(b.String())
}

func TestRequestItem(t *testing.T) {
	fixedNames(t)
	v1 := Endpoint{TypeVersion: 1, URLPath: "bench"}
	v2 := Endpoint{TypeVersion: 2, URLPath: "bench"}
	const head = `{"headers":{"content-type":%q},"params":{},"query":{}`
	const tail = `"webhookUrl":"http://localhost:5678/webhook/bench","executionMode":"production"}`
	item := func(ct, body string) string {
		s := fmt.Sprintf(head, ct)
		if body != "" {
			s += `,"body":` + body
		}
		return s + "," + tail
	}
	tests := []struct {
		name   string
		ep     Endpoint
		ct     string
		body   string
		json   string
		binary string
	}{
		{"json", v2, "application/json", `{"name":"ann","n":21}`, item("application/json", `{"name":"ann","n":21}`), ""},
		{"json keeps key order, drops whitespace", v1, "application/json; charset=utf-8", "{\n  \"b\": [1, 2],\n  \"a\": \"<&>\"\n}",
			item("application/json; charset=utf-8", `{"b":[1,2],"a":"<&>"}`), ""},
		{"json in latin1", v2, "application/json; charset=latin1", "{\"e\":\"caf\xe9\"}", item("application/json; charset=latin1", `{"e":"café"}`), ""},
		{"json array", v2, "application/json", `[1,2]`, item("application/json", `[1,2]`), ""},
		{"json false in version 1 is the body", v1, "application/json", `false`, item("application/json", `false`), ""},
		{"json null in version 2 is an empty body, no file", v2, "application/json", `null`, item("application/json", `{}`), ""},
		{"json 0 in version 2 is an empty body", v2, "application/json", `0`, item("application/json", `{}`), ""},
		{"empty json body, version 2", v2, "application/json", ``, item("application/json", `{}`), ""},
		{"empty json body, version 1 has no body", v1, "application/json", ``, item("application/json", ""), ""},
		{"form", v2, "application/x-www-form-urlencoded", `a=1&b=x+y&a=2&c&%7E=%zz&2=two&&e=%C3%A9`,
			item("application/x-www-form-urlencoded", `{"2":"two","a":["1","2"],"b":"x y","c":"","~":"%zz","e":"é"}`), ""},
		{"text", v2, "text/plain", "hello\nworld", item("text/plain", `"hello\nworld"`), ""},
		{"text in version 1", v1, "text/plain; charset=utf-8", "hi", item("text/plain; charset=utf-8", `"hi"`), ""},
		{"xml", v2, "application/xml", `<?xml version="1.0"?><Order id="7"><Item>a</Item><Item>b</Item></Order>`,
			item("application/xml", `{"order":{"$":{"id":"7"},"item":["a","b"]}}`), ""},
		{"xml subtype", v1, "application/atom+xml", `<feed><title>t</title></feed>`, item("application/atom+xml", `{"feed":{"title":"t"}}`), ""},
		{"text/xml", v2, "text/xml", `<a>1</a>`, item("text/xml", `{"a":"1"}`), ""},
		{"another type, version 2: a file", v2, "text/csv", "a,b\n1,2", item("text/csv", `{}`),
			`{"data":{"mimeType":"text/csv","fileType":"text","fileExtension":"csv","data":"` + b64("a,b\n1,2") +
				`","fileName":"00000000-0000-4000-8000-000000000000","fileSize":"7 B"}}`},
		{"json of another name, version 2: a file", v2, "application/vnd.api+json", `{"a":1}`, item("application/vnd.api+json", `{}`),
			`{"data":{"mimeType":"application/vnd.api+json","data":"` + b64(`{"a":1}`) + `","fileName":"00000000-0000-4000-8000-000000000000","fileSize":"7 B"}}`},
		{"no content type, version 2: an octet stream", v2, "", "\x00\x01", `{"headers":{},"params":{},"query":{},"body":{},` + tail,
			`{"data":{"mimeType":"application/octet-stream","fileExtension":"bin","data":"AAE=","fileName":"00000000-0000-4000-8000-000000000000","fileSize":"2 B"}}`},
		{"another type, version 1: no body", v1, "text/csv", "a,b", item("text/csv", ""), ""},
		{"empty body of another type, version 2", v2, "image/png", "", item("image/png", `{}`), ""},
		{"file property name from the options", Endpoint{TypeVersion: 2.1, URLPath: "bench", BinaryPropertyName: "upload"}, "image/png", "PNG",
			item("image/png", `{}`),
			`{"upload":{"mimeType":"image/png","fileType":"image","fileExtension":"png","data":"UE5H","fileName":"00000000-0000-4000-8000-000000000000","fileSize":"3 B"}}`},
		{"raw body with json", Endpoint{TypeVersion: 2, URLPath: "bench", RawBody: true}, "application/json", `{"a":1}`,
			item("application/json", `{"a":1}`), `{"data":{"data":"` + b64(`{"a":1}`) + `","mimeType":"application/json"}}`},
		{"raw body of another type has no body", Endpoint{TypeVersion: 2, URLPath: "bench", RawBody: true}, "text/csv", `x`,
			item("text/csv", ""), `{"data":{"data":"eA==","mimeType":"text/csv"}}`},
		{"raw body without a content type", Endpoint{TypeVersion: 1, URLPath: "bench", RawBody: true}, "", `x`,
			`{"headers":{},"params":{},"query":{},` + tail, `{"data":{"data":"eA==","mimeType":"application/json"}}`},
		{"raw json null in version 2 keeps body null", Endpoint{TypeVersion: 2, URLPath: "bench", RawBody: true}, "application/json", `null`,
			item("application/json", `null`), `{"data":{"data":"bnVsbA==","mimeType":"application/json"}}`},
		{"version 1 binary data takes any body as a file", Endpoint{TypeVersion: 1, URLPath: "bench", BinaryData: true}, "application/json", `{"a":1}`,
			item("application/json", `{}`),
			`{"data":{"mimeType":"application/json","fileType":"json","fileExtension":"json","data":"` + b64(`{"a":1}`) + `","fileName":"00000000-0000-4000-8000-000000000000","fileSize":"7 B"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Method: "POST", URL: "http://localhost:5678/webhook/bench", Headers: map[string]string{}, Body: []byte(tt.body)}
			if tt.ct != "" {
				r.Headers["content-type"] = tt.ct
			}
			it, err := RequestItem(r, tt.ep)
			if err != nil {
				t.Fatalf("RequestItem: %v", err)
			}
			if string(it.JSON) != tt.json {
				t.Errorf("json\n got  %s\n want %s", it.JSON, tt.json)
			}
			if string(it.Binary) != tt.binary {
				t.Errorf("binary\n got  %s\n want %s", it.Binary, tt.binary)
			}
		})
	}
}

func TestRequestItem_fields(t *testing.T) {
	r := Request{
		Method:  "GET",
		URL:     "https://hooks.example.com:8443/webhook-test/abc/user/42?a=1&a=2&b=x",
		Headers: map[string]string{"x-b": "2", "host": "hooks.example.com", "accept": "*/*"},
		Query:   ParseQuery("a=1&a=2&b=x"),
		Params:  map[string]string{"id": "42"},
		Test:    true,
	}
	ep := Endpoint{TypeVersion: 2, URLPath: "abc/user/:id"}
	it, err := RequestItem(r, ep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"headers":{"accept":"*/*","host":"hooks.example.com","x-b":"2"},"params":{"id":"42"},"query":{"a":["1","2"],"b":"x"},"body":{},` +
		`"webhookUrl":"https://hooks.example.com:8443/webhook-test/abc/user/:id","executionMode":"test"}`
	if string(it.JSON) != want {
		t.Errorf("got  %s\nwant %s", it.JSON, want)
	}

	r.BaseURL = "https://public.example.com/hooks/webhook/"
	r.Test = false
	it, _ = RequestItem(r, ep)
	if !strings.Contains(string(it.JSON), `"webhookUrl":"https://public.example.com/hooks/webhook/abc/user/:id","executionMode":"production"`) {
		t.Errorf("BaseURL not used: %s", it.JSON)
	}
	r.URL = ""
	r.BaseURL = ""
	it, _ = RequestItem(r, Endpoint{TypeVersion: 1, URLPath: "x/"})
	if !strings.Contains(string(it.JSON), `"webhookUrl":"http://localhost:5678/webhook/x/"`) {
		t.Errorf("default base: %s", it.JSON)
	}
	// The ContentType field wins over the header.
	r.Headers = map[string]string{"content-type": "text/csv"}
	r.ContentType = "text/plain"
	r.Body = []byte("hi")
	it, _ = RequestItem(r, ep)
	if !strings.Contains(string(it.JSON), `"body":"hi"`) {
		t.Errorf("ContentType ignored: %s", it.JSON)
	}
}

func TestRequestItem_badBodies(t *testing.T) {
	tests := []struct {
		name, ct, body string
		status         int
		hint           []string
	}{
		{"json syntax", "application/json", `{"name": nope}`, 400, []string{"application/json", "invalid character 'o'", "position 10"}},
		{"json truncated", "application/json", `{"a":`, 400, []string{"application/json", "unexpected end", "position 5"}},
		{"json trailing data", "application/json", `{"a":1} {"b":2}`, 400, []string{"application/json", "after JSON at position 8"}},
		{"json position counts characters", "application/json", `{"é":x}`, 400, []string{"position 5"}},
		{"json with a byte order mark", "application/json", "\uFEFF{}", 400, []string{"application/json", "position 0"}},
		{"unknown charset", "application/json; charset=iso-8859-1", `{}`, 400, []string{"unknown encoding: iso-8859-1"}},
		{"xml", "application/xml", `<a><b></a>`, 400, []string{"application/xml", "not valid XML"}},
		{"xml text outside the root", "text/xml", `hello`, 400, []string{"text/xml"}},
		{"multipart without a boundary", "multipart/form-data", "x", 400, []string{"multipart/form-data", "boundary"}},
		{"broken multipart", "multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", 400, []string{"multipart/form-data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Headers: map[string]string{"content-type": tt.ct}, Body: []byte(tt.body)}
			_, err := RequestItem(r, Endpoint{TypeVersion: 2, URLPath: "x"})
			var bre *BadRequestError
			if !errors.As(err, &bre) {
				t.Fatalf("error %v is not a *BadRequestError", err)
			}
			if bre.Status != tt.status {
				t.Errorf("status %d, want %d", bre.Status, tt.status)
			}
			for _, h := range tt.hint {
				if !strings.Contains(bre.Hint, h) {
					t.Errorf("hint %q does not contain %q", bre.Hint, h)
				}
			}
			resp := bre.Response()
			if resp.Status != tt.status || resp.ContentType != "application/json; charset=utf-8" ||
				!strings.HasPrefix(string(resp.Body), fmt.Sprintf(`{"code":%d,"message":"%s","hint":`, tt.status, bre.Message)) {
				t.Errorf("response %d %s %s", resp.Status, resp.ContentType, resp.Body)
			}
		})
	}
	// n8n's message for a body that does not parse.
	_, err := RequestItem(Request{Headers: map[string]string{"content-type": "application/json"}, Body: []byte("{")}, Endpoint{TypeVersion: 1})
	if err.(*BadRequestError).Message != "Failed to parse request body" {
		t.Errorf("message %q", err.(*BadRequestError).Message)
	}
}

func TestRequestItem_multipart(t *testing.T) {
	fixedNames(t)
	body := multipartDoc(
		"Content-Disposition: form-data; name=\"a\"\r\n\r\n1",
		"Content-Disposition: form-data; name=\"file1\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\nPNG",
		"Content-Disposition: form-data; name=\"a\"\r\n\r\n2",
		"Content-Disposition: form-data; name=\"files[]\"; filename=\"C:\\\\docs\\\\a.txt\"\r\nContent-Type: text/plain\r\n\r\nA",
		"Content-Disposition: form-data; name=\"files[]\"; filename=\"dir/b.txt\"\r\nContent-Type: text/plain\r\n\r\nBB",
		"Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n",
		"Content-Disposition: form-data; name=\"blob\"\r\nContent-Type: application/pdf\r\n\r\n%PDF",
		"Content-Disposition: form-data; name=\"note\"; filename=\"n.txt\"\r\n\r\nnot a file without a type",
		"Content-Disposition: form-data; name=\"single[]\"; filename=\"s.json\"\r\nContent-Type: application/json\r\n\r\n{}",
	)
	r := Request{Headers: map[string]string{"content-type": "multipart/form-data; boundary=XyZ"}, Body: body, URL: "http://h/webhook/f"}
	it, err := RequestItem(r, Endpoint{TypeVersion: 2, URLPath: "f"})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"headers":{"content-type":"multipart/form-data; boundary=XyZ"},"params":{},"query":{},"body":{"a":["1","2"],"note":"not a file without a type"},` +
		`"webhookUrl":"http://h/webhook/f","executionMode":"production"}`
	if string(it.JSON) != wantJSON {
		t.Errorf("json\n got  %s\n want %s", it.JSON, wantJSON)
	}
	wantBin := `{"file1":{"mimeType":"image/png","fileType":"image","fileExtension":"png","data":"UE5H","fileName":"photo.png","fileSize":"3 B"},` +
		`"files0":{"mimeType":"text/plain","fileType":"text","fileExtension":"txt","data":"QQ==","fileName":"a.txt","fileSize":"1 B"},` +
		`"files1":{"mimeType":"text/plain","fileType":"text","fileExtension":"txt","data":"QkI=","directory":"dir","fileName":"b.txt","fileSize":"2 B"},` +
		`"blob":{"mimeType":"application/pdf","fileType":"pdf","fileExtension":"pdf","data":"JVBERg==","fileName":"upload1","fileSize":"4 B"},` +
		`"single":{"mimeType":"application/json","fileType":"json","fileExtension":"json","data":"e30=","fileName":"s.json","fileSize":"2 B"}}`
	if string(it.Binary) != wantBin {
		t.Errorf("binary\n got  %s\n want %s", it.Binary, wantBin)
	}

	// With options.binaryPropertyName every file is that name and a
	// running number.
	it, err = RequestItem(r, Endpoint{TypeVersion: 1, URLPath: "f", BinaryPropertyName: "up"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range []string{"up0", "up1", "up2", "up3", "up4", "up5"} {
		if strings.Contains(string(it.Binary), `"`+k+`":`) {
			names = append(names, k)
		}
	}
	if !reflect.DeepEqual(names, []string{"up0", "up1", "up2", "up3", "up4"}) {
		t.Errorf("binary properties %v in %s", names, it.Binary)
	}

	// Only fields: no binary at all.
	r.Body = multipartDoc("Content-Disposition: form-data; name=\"x\"\r\n\r\ny")
	it, _ = RequestItem(r, Endpoint{TypeVersion: 2, URLPath: "f"})
	if it.Binary != nil || !strings.Contains(string(it.JSON), `"body":{"x":"y"}`) {
		t.Errorf("fields only: %s %s", it.JSON, it.Binary)
	}
}

func TestRequestItem_fileName(t *testing.T) {
	r := Request{Headers: map[string]string{
		"content-type":        "application/pdf",
		"content-disposition": `attachment; filename="report.v2.pdf"`,
	}, Body: []byte("%PDF-1.7")}
	it, err := RequestItem(r, Endpoint{TypeVersion: 1, BinaryData: true, BinaryPropertyName: "doc"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"doc":{"mimeType":"application/pdf","fileType":"pdf","fileExtension":"pdf","data":"` + b64("%PDF-1.7") + `","fileName":"report.v2.pdf","fileSize":"8 B"}}`
	if string(it.Binary) != want {
		t.Errorf("got  %s\nwant %s", it.Binary, want)
	}
	// A random UUID names a file without a name.
	delete(r.Headers, "content-disposition")
	it, _ = RequestItem(r, Endpoint{TypeVersion: 1, BinaryData: true})
	if !strings.Contains(string(it.Binary), `"fileName":"`) || strings.Count(string(it.Binary), "-") < 4 {
		t.Errorf("no UUID file name: %s", it.Binary)
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]any
	}{
		{"", map[string]any{}},
		{"a=1", map[string]any{"a": "1"}},
		{"a=1&a=2&a=3", map[string]any{"a": []any{"1", "2", "3"}}},
		{"q=hello+world&x=%2B%26", map[string]any{"q": "hello world", "x": "+&"}},
		{"flag&=v&k=", map[string]any{"flag": "", "": "v", "k": ""}},
		{"bad=%E0%A4%A&ok=%E2%9C%93&pct=100%", map[string]any{"bad": "\uFFFD%A", "ok": "✓", "pct": "100%"}},
		{"a=b=c", map[string]any{"a": "b=c"}},
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	many := strings.Repeat("k=v&", 1500)
	if got := ParseQuery(many)["k"].([]any); len(got) != 1000 {
		t.Errorf("read %d keys, want n8n's limit of 1000", len(got))
	}
}

func TestBinaryHelpers(t *testing.T) {
	for n, want := range map[int]string{0: "0 B", 1: "1 B", 999: "999 B", 1000: "1 kB", 1024: "1.02 kB", 1500: "1.5 kB",
		999999: "1000 kB", 1234567: "1.23 MB", 5e9: "5 GB"} {
		if got := prettyBytes(n); got != want {
			t.Errorf("prettyBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for in, want := range map[string][3]string{
		"a.txt":        {"", "a.txt", "txt"},
		"dir/b.tar.gz": {"dir", "b.tar.gz", "gz"},
		".profile":     {"", ".profile", ""},
		"noext":        {"", "noext", ""},
		"/abs/x.png":   {"/abs", "x.png", "png"},
		"trail.":       {"", "trail.", ""},
	} {
		d, b, e := parsePath(in)
		if [3]string{d, b, e} != want {
			t.Errorf("parsePath(%q) = %q %q %q, want %q", in, d, b, e, want)
		}
	}
	for mt, want := range map[string]string{"image/png": "png", "Text/Plain; charset=utf-8": "txt", "application/x-unknown": "", "": ""} {
		if got := mimeExtension(mt); got != want {
			t.Errorf("mimeExtension(%q) = %q, want %q", mt, got, want)
		}
	}
	for mt, want := range map[string]string{"application/json": "json", "text/html": "html", "image/gif": "image", "audio/ogg": "audio",
		"video/mp4": "video", "text/csv": "text", "application/javascript": "text", "application/pdf": "pdf", "application/zip": ""} {
		if got := fileType(mt); got != want {
			t.Errorf("fileType(%q) = %q, want %q", mt, got, want)
		}
	}
}

// TestIntegerKeysComeFirst: as in JavaScript, keys that are array indexes
// (canonical integers below 2^32-1) are written first, in numeric order;
// the rest keep the order they came in.
func TestIntegerKeysComeFirst(t *testing.T) {
	o := newObject()
	for _, k := range []string{"b", "10", "01", "2", "4294967295", "4294967294", "-1", "1a", "", "0"} {
		o.set(k, k)
	}
	var b bytes.Buffer
	writeJSON(&b, o)
	want := `{"0":"0","2":"2","10":"10","4294967294":"4294967294","b":"b","01":"01","4294967295":"4294967295","-1":"-1","1a":"1a","":""}`
	if b.String() != want {
		t.Fatalf("got  %s\nwant %s", b.String(), want)
	}
}
