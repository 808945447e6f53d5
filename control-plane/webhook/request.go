package webhook

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/weftrun/weft/api"
)

// Request is an HTTP request to a webhook, as the HTTP layer hands it over.
type Request struct {
	// Method is the request's method, upper case.
	Method string
	// Path is the path under the webhook prefix, decoded ("bench",
	// "<webhookId>/user/42").
	Path string
	// URL is the full URL the client called; it gives the webhookUrl's
	// scheme and host when BaseURL is empty.
	URL string
	// BaseURL is the public URL production webhooks are served under,
	// such as "https://hooks.example.com/webhook" (n8n's WEBHOOK_URL plus
	// "webhook"). Empty: the scheme and host of URL, then "/webhook".
	BaseURL string
	// Headers are the request's headers, names in lower case, repeated
	// headers joined with ", " (as Node.js joins them).
	Headers map[string]string
	// Query is the parsed query string: a string per key, or a list of
	// strings for a repeated key (ParseQuery makes it).
	Query map[string]any
	// Params are the values of the endpoint's ":name" segments (Registry.Match
	// returns them); nil for a static path.
	Params map[string]string
	// ContentType is the Content-Type header as sent; empty means
	// Headers["content-type"].
	ContentType string
	// Body is the request body, already decompressed.
	Body []byte
	// Test marks a call of the test URL ("/webhook-test/"): the item's
	// executionMode is "test" and its webhookUrl the test URL.
	Test bool
}

// BadRequestError is a request the webhook cannot take: its body is not
// what its Content-Type says. Status is 400 (n8n answers 422 for a JSON,
// XML, form or text body that does not decode; Weft answers every body that
// does not parse with 400 Bad Request), with n8n's body. Response gives the
// answer.
type BadRequestError struct {
	// Status is the HTTP status to answer with.
	Status int
	// Message is n8n's message ("Failed to parse request body").
	Message string
	// Hint says what is wrong, naming the content type and, for JSON, the
	// position of the error.
	Hint string
}

// Error implements error.
func (e *BadRequestError) Error() string {
	if e.Hint == "" {
		return "webhook: " + e.Message
	}
	return "webhook: " + e.Message + ": " + e.Hint
}

// Response is n8n's answer to the request: the status, and a body of
// {"code", "message", "hint"}.
func (e *BadRequestError) Response() Response {
	return errorResponse(e.Status, e.Status, e.Message, e.Hint)
}

func unprocessable(hint string) *BadRequestError {
	return &BadRequestError{Status: 400, Message: "Failed to parse request body", Hint: hint}
}

// RequestItem builds the item a Webhook node outputs for a request, as
// n8n's Webhook node does: json {headers, params, query, body, webhookUrl,
// executionMode}, and binary properties for files. The body is parsed by
// its content type: application/json (kept as sent, validated), XML
// (*/xml, *+xml, turned into objects as xml2js does), form-urlencoded
// (an object, repeated keys as lists), text/plain (a string),
// multipart/form-data (the fields in body, each file a binary property).
// From version 2, a body of another type, an empty one or one that parses
// to a falsy value becomes body {} and the binary property "data"
// (options.binaryPropertyName) holding the raw body; version 1 leaves
// body out instead. options.rawBody adds the raw body as binary "data",
// options.binaryData (version 1) takes the whole body as a file.
//
// A body that does not parse is a *BadRequestError.
func RequestItem(r Request, ep Endpoint) (api.Item, error) {
	ctHeader := r.ContentType
	if ctHeader == "" {
		ctHeader = r.Headers["content-type"]
	}
	ct, charset := parseContentType(ctHeader)
	doc := newObject()
	doc.set("headers", headersValue(r.Headers))
	doc.set("params", paramsValue(r.Params))
	doc.set("query", queryValue(r.Query))
	var bin *object

	switch {
	case ep.BinaryData:
		bin = fileBody(doc, r.Body, r, ep, ct)
	case ct == "multipart/form-data":
		var err error
		if bin, err = multipartBody(doc, r, ep, ctHeader); err != nil {
			return api.Item{}, err
		}
	default:
		body, read, err := parseBody(r.Body, ct, charset)
		if err != nil {
			return api.Item{}, err
		}
		if ep.TypeVersion > 1 && falsy(body) && !ep.RawBody {
			// n8n streams the request to a file here; a body its parser
			// has read already leaves nothing to stream.
			data := r.Body
			if read {
				data = nil
			}
			bin = fileBody(doc, data, r, ep, ct)
			break
		}
		if body != nil {
			doc.set("body", body)
		}
		if ep.RawBody {
			mt := ct
			if mt == "" {
				mt = "application/json"
			}
			raw := newObject()
			raw.set("data", base64.StdEncoding.EncodeToString(r.Body))
			raw.set("mimeType", mt)
			bin = newObject()
			bin.set("data", raw)
		}
	}
	doc.set("webhookUrl", webhookURL(r, ep))
	mode := "production"
	if r.Test {
		mode = "test"
	}
	doc.set("executionMode", mode)
	it := api.Item{JSON: marshal(doc)}
	if bin != nil {
		it.Binary = marshal(bin)
	}
	return it, nil
}

func headersValue(h map[string]string) any {
	if h == nil {
		return newObject()
	}
	return h
}

func paramsValue(p map[string]string) any {
	if p == nil {
		return newObject()
	}
	return p
}

func queryValue(q map[string]any) any {
	if q == nil {
		return newObject()
	}
	return q
}

// webhookURL is the node's production or test URL, as the item's
// webhookUrl reports it.
func webhookURL(r Request, ep Endpoint) string {
	base := strings.TrimSuffix(r.BaseURL, "/")
	if base == "" {
		base = "http://localhost:5678"
		if u, err := url.Parse(r.URL); err == nil && u.Host != "" {
			base = u.Scheme + "://" + u.Host
		}
		base += strings.TrimSuffix(Prefix, "/")
	}
	u := base + "/" + ep.URLPath
	if r.Test {
		u = strings.Replace(u, Prefix, TestPrefix, 1)
	}
	return u
}

// parseContentType returns the media type, lower case, and the charset
// (default utf-8), as n8n reads them; a header that does not parse has no
// media type.
func parseContentType(h string) (string, string) {
	if h == "" {
		return "", "utf-8"
	}
	mt, params, err := mime.ParseMediaType(h)
	if err != nil {
		return "", "utf-8"
	}
	cs := strings.ToLower(params["charset"])
	if cs == "" {
		cs = "utf-8"
	}
	return mt, cs
}

// rawJSON marks a body kept as the JSON text the client sent.
type rawJSON = json.RawMessage

// parseBody parses a body as n8n's parseBody does: JSON, XML,
// form-urlencoded and text/plain; nil (no body) for an empty body or
// another type. read reports whether the type is one n8n reads the body
// of.
func parseBody(body []byte, ct, charset string) (v any, read bool, err error) {
	isXML := strings.HasSuffix(ct, "/xml") || strings.HasSuffix(ct, "+xml")
	if ct != "application/json" && ct != "application/x-www-form-urlencoded" && ct != "text/plain" && !isXML {
		return nil, false, nil
	}
	if len(body) == 0 {
		return nil, true, nil
	}
	text, err := decodeText(body, charset)
	if err != nil {
		return nil, true, unprocessable(err.Error())
	}
	switch {
	case ct == "application/json":
		if err := validJSON(text); err != nil {
			return nil, true, unprocessable(err.Error())
		}
		var b bytes.Buffer
		_ = json.Compact(&b, []byte(text)) // validated above
		return rawJSON(b.Bytes()), true, nil
	case isXML:
		v, err := parseXML(text)
		if err != nil {
			return nil, true, unprocessable(fmt.Sprintf("%s body is not valid XML: %v", ct, err))
		}
		if v == nil {
			return jsonNull{}, true, nil
		}
		return v, true, nil
	case ct == "application/x-www-form-urlencoded":
		return parseQueryObject(text), true, nil
	}
	return text, true, nil
}

// jsonNull is a body that parsed to null (present, unlike a missing body).
type jsonNull struct{}

// MarshalJSON implements json.Marshaler.
func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// validJSON checks a JSON text; the error names the position (in
// characters from 0) of the first byte that is wrong.
func validJSON(text string) error {
	dec := json.NewDecoder(strings.NewReader(text))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		off := dec.InputOffset()
		if _, err2 := dec.Token(); err2 != io.EOF {
			for off < int64(len(text)) && isJSONSpace(text[off]) {
				off++
			}
			return fmt.Errorf("application/json body is not valid JSON: unexpected non-whitespace character after JSON at position %d", utf8.RuneCountInString(text[:off]))
		}
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		pos := max(se.Offset-1, 0)
		return fmt.Errorf("application/json body is not valid JSON: %s at position %d", se.Error(), utf8.RuneCountInString(text[:min(pos, int64(len(text)))]))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("application/json body is not valid JSON: unexpected end of JSON input at position %d", utf8.RuneCountInString(text))
	}
	return fmt.Errorf("application/json body is not valid JSON: %v", err)
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// decodeText decodes a body with a Node.js Buffer encoding, as n8n's
// rawBody.toString(charset) does: an encoding Node.js does not know is an
// error. Invalid UTF-8 becomes U+FFFD.
func decodeText(b []byte, charset string) (string, error) {
	switch charset {
	case "utf-8", "utf8":
		if utf8.Valid(b) {
			return string(b), nil
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	case "latin1", "binary", "ascii":
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	case "utf16le", "utf-16le", "ucs2", "ucs-2":
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(u)), nil
	case "hex":
		return hex.EncodeToString(b), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(b), nil
	case "base64url":
		return base64.RawURLEncoding.EncodeToString(b), nil
	}
	return "", fmt.Errorf("unknown encoding: %s", charset)
}

// falsy reports whether a parsed body is missing or falsy in JavaScript
// (null, false, 0, ""), which makes n8n's Webhook node from version 2 treat
// the request as a file upload.
func falsy(body any) bool {
	switch b := body.(type) {
	case nil, jsonNull:
		return true
	case string:
		return b == ""
	case rawJSON:
		if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
			return false // objects and arrays are truthy; b is compact
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return false
		}
		switch x := v.(type) {
		case nil:
			return true
		case bool:
			return !x
		case float64:
			return x == 0
		case string:
			return x == ""
		}
	}
	return false
}

// fileBody is the Webhook node's handleBinaryData: body {} and, for a
// non-empty body, the body as a file in the binary property
// options.binaryPropertyName ("data"), named by the Content-Disposition
// header's file name or a random UUID.
func fileBody(doc *object, data []byte, r Request, ep Endpoint, ct string) *object {
	doc.set("body", newObject())
	if len(data) == 0 {
		return nil
	}
	prop := ep.BinaryPropertyName
	if prop == "" {
		prop = "data"
	}
	name := ""
	if _, params, err := mime.ParseMediaType(r.Headers["content-disposition"]); err == nil {
		name = params["filename"]
	}
	if name == "" {
		name = newFileName()
	}
	mt := ct
	if mt == "" {
		mt = "application/octet-stream"
	}
	bin := newObject()
	bin.set(prop, binaryData(data, name, mt))
	return bin
}

// multipartBody is the Webhook node's handleFormData after n8n's
// multipart parser (formidable): the fields in body (a repeated field is
// a list), every part with a Content-Type a file. A file goes to the
// binary property of its field name ("[]" removed; numbered from 0 when the
// field has several files), or to options.binaryPropertyName plus a
// running number. Parts with filename="" (a file input left empty) are
// skipped.
func multipartBody(doc *object, r Request, ep Endpoint, ctHeader string) (*object, error) {
	_, params, _ := mime.ParseMediaType(ctHeader)
	boundary := params["boundary"]
	bad := func(err error) error {
		return &BadRequestError{Status: 400, Message: "The submitted form data could not be parsed.", Hint: "multipart/form-data body: " + err.Error()}
	}
	if boundary == "" {
		return nil, bad(errors.New("no boundary in the Content-Type header"))
	}
	type file struct {
		data           []byte
		name, mimeType string
	}
	fields := newObject()
	var fileKeys []string
	files := map[string][]file{}
	mr := multipart.NewReader(bytes.NewReader(r.Body), boundary)
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bad(err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, bad(err)
		}
		_, disp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := disp["name"]
		mimeType := part.Header.Get("Content-Type")
		if mimeType == "" {
			text, _ := decodeText(data, "utf-8")
			fields.add(name, text)
			continue
		}
		fileName, hasName := disp["filename"]
		if hasName && fileName == "" {
			continue
		}
		if i := strings.LastIndexByte(fileName, '\\'); i >= 0 {
			fileName = fileName[i+1:]
		}
		if !hasName {
			fileName = newUploadName()
		}
		if _, ok := files[name]; !ok {
			fileKeys = append(fileKeys, name)
		}
		files[name] = append(files[name], file{data: data, name: fileName, mimeType: mimeType})
	}
	doc.set("body", fields)
	if len(fileKeys) == 0 {
		return nil, nil
	}
	bin := newObject()
	count := 0
	for _, key := range fileKeys {
		list := files[key]
		for i, f := range list {
			prop := strings.TrimSuffix(key, "[]")
			if len(list) > 1 {
				prop += fmt.Sprint(i)
			}
			if ep.BinaryPropertyName != "" {
				prop = fmt.Sprintf("%s%d", ep.BinaryPropertyName, count)
			}
			bin.set(prop, binaryData(f.data, f.name, f.mimeType))
			count++
		}
	}
	return bin, nil
}

// ParseQuery parses a query string as Node.js's querystring.parse does
// (n8n's query parser): "+" is a space, percent escapes are decoded (an
// invalid escape is kept as written), a repeated key gives a list of its
// values in order, a key without "=" has the value "". At most 1000 keys
// are read.
func ParseQuery(raw string) map[string]any {
	out := map[string]any{}
	o := parseQueryObject(raw)
	for _, k := range o.keys {
		out[k] = o.vals[k]
	}
	return out
}

func parseQueryObject(raw string) *object {
	o := newObject()
	n := 0
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		if n++; n > 1000 {
			break
		}
		k, v, _ := strings.Cut(pair, "=")
		o.add(unescapeQuery(k), unescapeQuery(v))
	}
	return o
}

func unescapeQuery(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil && utf8.ValidString(u) {
		return u
	}
	// querystring's unescapeBuffer: decode the valid escapes, keep the rest.
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			c, _ := hex.DecodeString(s[i+1 : i+3])
			b = append(b, c[0])
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
