package webhook

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"

	"github.com/weftrun/weft/api"
)

// Response is an HTTP answer to a webhook call. The HTTP layer writes
// Status, then Headers, then Content-Type when ContentType is not empty,
// then Body (none for HEAD requests).
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Headers are the response headers, names in lower case. They never
	// hold Content-Type (see ContentType) nor Content-Length.
	Headers map[string]string
	// Body is the response body.
	Body []byte
	// ContentType is the Content-Type header; empty sends none.
	ContentType string
}

// SandboxCSP is the Content-Security-Policy n8n puts on webhook answers
// so that HTML a workflow returns runs in a sandbox, in its own origin.
const SandboxCSP = "sandbox allow-downloads allow-forms allow-modals allow-orientation-lock allow-pointer-lock allow-popups allow-popups-to-escape-sandbox allow-presentation allow-scripts allow-top-navigation-by-user-activation allow-top-navigation-to-custom-protocols"

// Content types n8n's HTTP stack (Express) gives bodies it serializes.
const (
	jsonContentType = "application/json; charset=utf-8"
	htmlContentType = "text/html; charset=utf-8"
)

// answer builds a webhook answer the way n8n's Express response does:
// the endpoint's headers first, then the body, whose kind decides the
// Content-Type when no header set it.
type answer struct {
	Response
	userCT string // a Content-Type a header asked for
}

func newAnswer(ep *Endpoint, status int) *answer {
	a := &answer{Response: Response{Status: status, Headers: map[string]string{}}}
	if ep != nil {
		for _, h := range ep.ResponseHeaders {
			a.header(h.Name, h.Value)
		}
	}
	return a
}

func (a *answer) header(name, value string) {
	switch n := strings.ToLower(name); n {
	case "content-type":
		a.userCT = value
	case "content-length":
	default:
		a.Headers[n] = value
	}
}

// json is Express's res.json with a serialized value: the header's
// Content-Type (with charset=utf-8) or application/json.
func (a *answer) json(body []byte) Response {
	a.Body = body
	a.ContentType = jsonContentType
	if a.userCT != "" {
		a.ContentType = withCharset(a.userCT)
	}
	return a.finish()
}

// text is Express's res.send with a string: the header's Content-Type
// (with charset=utf-8) or text/html.
func (a *answer) text(s string) Response {
	a.Body = []byte(s)
	a.ContentType = htmlContentType
	if a.userCT != "" {
		a.ContentType = withCharset(a.userCT)
	}
	return a.finish()
}

// empty is Express's res.json(undefined): no body, and the header's
// Content-Type or application/json.
func (a *answer) empty() Response {
	a.ContentType = jsonContentType
	if a.userCT != "" {
		a.ContentType = a.userCT
	}
	return a.finish()
}

// bytes sends a buffer as is, with the given Content-Type.
func (a *answer) bytes(b []byte, contentType string) Response {
	a.Body = b
	a.ContentType = contentType
	return a.finish()
}

// finish adds n8n's sandbox policy and drops what Express drops for 204
// and 304 answers.
func (a *answer) finish() Response {
	a.Headers["content-security-policy"] = SandboxCSP
	return strip(a.Response)
}

func strip(r Response) Response {
	if r.Status == 204 || r.Status == 304 {
		r.Body = nil
		r.ContentType = ""
	}
	return r
}

// withCharset is Express's setCharset: the type with charset=utf-8, its
// parameters sorted; a type that does not parse is kept as is.
func withCharset(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct
	}
	params["charset"] = "utf-8"
	if s := mime.FormatMediaType(mt, params); s != "" {
		return s
	}
	return ct
}

// Received is the answer of an onReceived webhook, sent as the execution
// starts: {"message":"Workflow was started"}, or options.responseData as
// text, or no body with options.noResponseBody; with the node's status
// and headers.
func Received(ep Endpoint) Response {
	a := newAnswer(&ep, ep.ResponseCode)
	data := ep.ResponseText
	if data == "" && ep.NoResponseBody {
		data = DataNoData
	}
	switch data {
	case DataNoData:
		return a.empty()
	case "":
		return a.json([]byte(`{"message":"Workflow was started"}`))
	}
	return a.text(data)
}

// LastNode is the answer of a lastNode webhook once the execution
// succeeded. items are the items on the first output of the last run of
// the node that ran last; nil means that node recorded no data at all,
// which n8n answers with {"message": "Workflow executed successfully but
// the last node did not return any data"}.
//
// By the endpoint's ResponseData: firstEntryJson sends the first item's
// json (or its ResponsePropertyName property; a string is sent as text),
// allEntries a list of every item's json, noData nothing, firstEntryBinary
// the first item's binary property ResponseBinaryPropertyName with its
// mimeType. When there is no item or no such binary property, the error
// says so and the Response is n8n's answer for it (500, {"code": 0,
// "message"}).
func LastNode(ep Endpoint, items []api.Item) (Response, error) {
	a := newAnswer(&ep, ep.ResponseCode)
	if items == nil {
		return a.json([]byte(`{"message":"Workflow executed successfully but the last node did not return any data"}`)), nil
	}
	switch ep.ResponseData {
	case DataNoData:
		return a.empty(), nil
	case DataFirstEntryJSON:
		if len(items) == 0 {
			return lastNodeFailed(&ep, "No item to return was found")
		}
		v := json.RawMessage(items[0].JSON)
		if len(bytes.TrimSpace(v)) == 0 {
			v = json.RawMessage("{}")
		}
		if ep.ResponsePropertyName != "" {
			var ok bool
			if v, ok = getPath(v, ep.ResponsePropertyName); !ok {
				v = nil
			}
		}
		if ep.ResponseContentType != "" {
			a.userCT = ep.ResponseContentType
		}
		if v == nil {
			return a.empty(), nil
		}
		v = compact(v)
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			return a.text(s), nil
		}
		return a.json(v), nil
	case DataFirstEntryBinary:
		if len(items) == 0 {
			return lastNodeFailed(&ep, "No item was found to return")
		}
		var bin map[string]json.RawMessage
		if json.Unmarshal(items[0].Binary, &bin) != nil || bin == nil {
			return lastNodeFailed(&ep, "No binary data was found to return")
		}
		prop := ep.ResponseBinaryPropertyName
		if prop == "" {
			prop = "data"
		}
		raw, ok := bin[prop]
		var file struct {
			Data     string `json:"data"`
			MimeType string `json:"mimeType"`
		}
		if !ok || json.Unmarshal(raw, &file) != nil {
			return lastNodeFailed(&ep, fmt.Sprintf("The binary property '%s' which should be returned does not exist", prop))
		}
		return a.bytes(decodeBase64(file.Data), file.MimeType), nil
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if len(bytes.TrimSpace(it.JSON)) == 0 {
			b.WriteString("{}")
			continue
		}
		_ = json.Compact(&b, it.JSON)
	}
	b.WriteByte(']')
	return a.json(b.Bytes()), nil
}

func lastNodeFailed(ep *Endpoint, msg string) (Response, error) {
	r := errorResponse(500, 0, msg, "")
	for _, h := range ep.ResponseHeaders {
		if n := strings.ToLower(h.Name); n != "content-type" && n != "content-length" {
			r.Headers[n] = h.Value
		}
	}
	return r, errors.New("webhook: " + msg)
}

// Failed is the answer of a lastNode or responseNode webhook whose
// execution failed before answering: 500 {"message":"Error in workflow"}.
// n8n does not reveal the error; err is only there for the caller's log
// and is not sent.
func Failed(ep Endpoint, err string) Response {
	return newAnswer(&ep, 500).json([]byte(`{"message":"Error in workflow"}`))
}

// NoRespondNode is the answer of a responseNode webhook whose workflow
// has no Respond to Webhook node, as n8n gives it; nothing runs.
func NoRespondNode(ep Endpoint) Response {
	return newAnswer(&ep, 500).json([]byte(`{"message":"No Respond to Webhook node found in the workflow"}`))
}

// NoResponse is the answer of a responseNode webhook whose execution
// ended without running a Respond to Webhook node: no body, with the
// node's status.
func NoResponse(ep Endpoint) Response {
	return newAnswer(&ep, ep.ResponseCode).empty()
}

// nodeResponse is the document a Respond to Webhook node returns in its
// result's "response" field.
type nodeResponse struct {
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers"`
	Body        *string           `json:"body"`
	Encoding    string            `json:"encoding"`
	ContentType string            `json:"contentType"`
}

// FromNode decodes the response document of a Respond to Webhook node
// (nodes-wasm/core/README.md, "response"):
//
//	{"status": 200, "headers": {"x-id": "7"},
//	 "contentType": "application/json; charset=utf-8",
//	 "body": "{\"ok\":true}", "encoding": "base64"?}
//
// body is the serialized body, base64 when encoding is "base64" (binary
// files); headers have lower-case names. The Response also gets n8n's
// sandbox policy header. A status outside 100…999 or a body that does not
// decode is an error (n8n fails such an answer with a 500).
func FromNode(doc json.RawMessage) (Response, error) {
	var d nodeResponse
	if err := json.Unmarshal(doc, &d); err != nil {
		return Response{}, fmt.Errorf("webhook: the Respond to Webhook node's response: %w", err)
	}
	if d.Status == 0 {
		d.Status = 200
	}
	if d.Status < 100 || d.Status > 999 {
		return Response{}, fmt.Errorf("webhook: the Respond to Webhook node's response: invalid status code %d", d.Status)
	}
	a := newAnswer(nil, d.Status)
	for k, v := range d.Headers {
		a.header(k, v)
	}
	a.ContentType = d.ContentType
	if a.ContentType == "" {
		a.ContentType = a.userCT
	}
	if d.Body != nil {
		switch d.Encoding {
		case "":
			a.Body = []byte(*d.Body)
		case "base64":
			b, err := base64.StdEncoding.DecodeString(*d.Body)
			if err != nil {
				return Response{}, fmt.Errorf("webhook: the Respond to Webhook node's response: body: %w", err)
			}
			a.Body = b
		default:
			return Response{}, fmt.Errorf("webhook: the Respond to Webhook node's response: unknown body encoding %q", d.Encoding)
		}
	}
	return a.finish(), nil
}

// AddEndpointHeaders adds the Webhook node's response headers
// (options.responseHeaders) to an answer that does not set them, as n8n
// does: it puts them on every answer of the webhook before the workflow
// runs, so a Respond to Webhook node's headers win. Use it on FromNode's
// Response.
func AddEndpointHeaders(ep Endpoint, r Response) Response {
	if len(ep.ResponseHeaders) == 0 {
		return r
	}
	h := make(map[string]string, len(r.Headers)+len(ep.ResponseHeaders))
	for _, e := range ep.ResponseHeaders {
		switch n := strings.ToLower(e.Name); n {
		case "content-type":
			if r.ContentType == "" && r.Status != 204 && r.Status != 304 {
				r.ContentType = e.Value
			}
		case "content-length":
		default:
			h[n] = e.Value
		}
	}
	for k, v := range r.Headers {
		h[k] = v
	}
	r.Headers = h
	return r
}

// NotFound is the answer to a request no endpoint matches, with n8n's
// message. allowed are the methods the path does answer (Registry.Methods):
// when there are some, the status is 405 with an Allow header (n8n answers
// 404 with the same message).
func NotFound(method, path string, allowed []string) Response {
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	if len(allowed) == 0 {
		return errorResponse(404, 404, fmt.Sprintf("The requested webhook \"%s %s\" is not registered.", method, path),
			"The workflow must be active for a production URL to run successfully. You can activate the workflow using the toggle in the top-right of the editor. Note that unlike test URL calls, production URL calls aren't shown on the canvas (only in the executions list)")
	}
	methods := allowed[0]
	if n := len(allowed); n > 1 {
		methods = strings.Join(allowed[:n-1], ", ") + " or " + allowed[n-1]
	}
	r := errorResponse(405, 405, fmt.Sprintf("This webhook is not registered for %s requests. Did you mean to make a %s request?", method, methods), "")
	r.Headers["allow"] = strings.Join(allowed, ", ")
	return r
}

// Refuse checks the endpoint's request filters before the execution
// starts, in n8n's order: options.ipWhitelist against the caller's
// addresses (n8n's rule: an entry matches an address that contains it),
// options.ignoreBots against the User-Agent, then authentication. It
// returns n8n's answer and true when the request must not run the
// workflow.
//
// Authentication needs credentials, which Weft does not have yet: a
// webhook that asks for basicAuth, headerAuth or jwtAuth gets n8n's answer
// for a node without credentials on every call, and never runs.
func Refuse(ep Endpoint, r Request, callerIPs ...string) (Response, bool) {
	if !ipAllowed(ep.IPWhitelist, callerIPs) {
		return Response{Status: 403, Headers: map[string]string{}, Body: []byte("IP is not whitelisted to access the webhook!")}, true
	}
	if ep.IgnoreBots && botPattern.MatchString(r.Headers["user-agent"]) {
		return Response{Status: 403, Headers: map[string]string{"www-authenticate": `Basic realm="Webhook"`}, Body: []byte("Authorization data is wrong!")}, true
	}
	if ep.Authentication != "" && ep.Authentication != "none" {
		return Response{Status: 500, Headers: map[string]string{"www-authenticate": `Basic realm="Webhook"`}, Body: []byte("No authentication data defined on node!")}, true
	}
	return Response{}, false
}

func ipAllowed(list string, ips []string) bool {
	if strings.TrimSpace(list) == "" {
		return true
	}
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		for _, ip := range ips {
			if strings.Contains(ip, entry) {
				return true
			}
		}
	}
	return false
}

// botPattern is the isbot package's naive pattern: user agents of
// crawlers, link previewers and HTTP libraries that say what they are.
var botPattern = regexp.MustCompile(`(?i)bot|crawl|http|lighthouse|scan|search|spider`)

// errorResponse is n8n's error answer: {"code", "message", "hint"?}.
func errorResponse(status, code int, message, hint string) Response {
	o := newObject()
	o.set("code", code)
	o.set("message", message)
	if hint != "" {
		o.set("hint", hint)
	}
	return Response{Status: status, Headers: map[string]string{}, Body: marshal(o), ContentType: jsonContentType}
}

func compact(v json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// decodeBase64 decodes leniently, as Node.js's Buffer.from(s, "base64"):
// padding optional, URL-safe characters accepted, other characters
// skipped.
func decodeBase64(s string) []byte {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			clean = append(clean, '+')
		case c == '_':
			clean = append(clean, '/')
		case c == '=':
			i = len(s)
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	b, _ := base64.RawStdEncoding.DecodeString(string(clean))
	return b
}

// getPath reads a lodash path ("a.b", "a[0].b", "a['x.y']") in a JSON
// document, as lodash's get does: a key that holds the whole path wins.
func getPath(doc json.RawMessage, path string) (json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(doc, &obj) == nil {
		if v, ok := obj[path]; ok {
			return v, true
		}
	}
	cur := doc
	for _, key := range splitPath(path) {
		var o map[string]json.RawMessage
		var a []json.RawMessage
		switch {
		case json.Unmarshal(cur, &o) == nil && o != nil:
			v, ok := o[key]
			if !ok {
				return nil, false
			}
			cur = v
		case json.Unmarshal(cur, &a) == nil && a != nil:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(a) {
				return nil, false
			}
			cur = a[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// splitPath is lodash's stringToPath: dots separate keys, [n] and
// ['key'] are keys too.
func splitPath(s string) []string {
	var out []string
	var cur strings.Builder
	if strings.HasPrefix(s, ".") {
		out = append(out, "")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '.':
			if cur.Len() > 0 || (i > 0 && s[i-1] == '.') {
				out = append(out, cur.String())
			}
			cur.Reset()
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				cur.WriteByte(c)
				continue
			}
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			key := s[i+1 : i+end]
			if len(key) >= 2 && (key[0] == '"' || key[0] == '\'') && key[len(key)-1] == key[0] {
				key = key[1 : len(key)-1]
			}
			out = append(out, key)
			i += end
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 || strings.HasSuffix(s, ".") {
		out = append(out, cur.String())
	}
	return out
}
