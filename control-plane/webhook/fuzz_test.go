package webhook

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzRequestItem feeds arbitrary bodies of every parsed content type:
// the item is valid JSON or the error is a *BadRequestError.
func FuzzRequestItem(f *testing.F) {
	for _, seed := range []struct{ ct, body string }{
		{"application/json", `{"a":[1,2,{"b":null}]}`},
		{"application/json; charset=utf-16le", "{\x00}\x00"},
		{"application/x-www-form-urlencoded", "a=1&a=2&%zz=%E2%9C%93"},
		{"text/plain", "hello"},
		{"application/xml", `<a x="1"><b>t</b><b/></a>`},
		{"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nA\r\n--XyZ--\r\n"},
		{"image/png", "\x89PNG"},
	} {
		f.Add(seed.ct, []byte(seed.body), 2.0, false)
		f.Add(seed.ct, []byte(seed.body), 1.0, true)
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte, version float64, raw bool) {
		r := Request{Headers: map[string]string{"content-type": ct, "content-disposition": ct}, Body: body}
		it, err := RequestItem(r, Endpoint{TypeVersion: version, URLPath: "x", RawBody: raw})
		if err != nil {
			var bre *BadRequestError
			if !errors.As(err, &bre) {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		if !json.Valid(it.JSON) {
			t.Fatalf("invalid item json %q", it.JSON)
		}
		if it.Binary != nil && !json.Valid(it.Binary) {
			t.Fatalf("invalid item binary %q", it.Binary)
		}
	})
}

// FuzzParseXML checks that any document parses to JSON or fails cleanly.
func FuzzParseXML(f *testing.F) {
	for _, s := range []string{`<a>1</a>`, `<a><b x="y">t</b><b/></a>`, `<?xml version="1.0"?><r><![CDATA[x]]></r>`, ` `, `<a:b xmlns:a="u"/>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseXML(s)
		if err == nil && v != nil && !json.Valid(marshal(v)) {
			t.Fatalf("invalid JSON %q", marshal(v))
		}
	})
}

// FuzzFromNode decodes arbitrary response documents without panicking.
func FuzzFromNode(f *testing.F) {
	f.Add(`{"status":200,"headers":{"x":"1"},"contentType":"text/plain","body":"hi"}`)
	f.Add(`{"status":201,"body":"aGk=","encoding":"base64"}`)
	f.Add(`{"status":204}`)
	f.Fuzz(func(t *testing.T, doc string) {
		r, err := FromNode(json.RawMessage(doc))
		if err == nil && (r.Status < 100 || r.Status > 999) {
			t.Fatalf("status %d accepted", r.Status)
		}
	})
}
