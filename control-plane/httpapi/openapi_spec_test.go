package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The OpenAPI document as the tests read it, and the JSON Schema subset
// they validate requests and answers with.

// spec is the parsed OpenAPI document.
type spec struct {
	root map[string]any
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(openAPIDocument, &root); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &spec{root: root}
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// resolve follows a local JSON pointer such as "#/components/schemas/X".
func (s *spec) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var cur any = s.root
	for tok := range strings.SplitSeq(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next, ok := obj(cur)[tok]
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		cur = next
	}
	return cur, nil
}

// deref returns the object v stands for, following $ref.
func (s *spec) deref(v any) map[string]any {
	m := obj(v)
	for m != nil {
		r, ok := m["$ref"].(string)
		if !ok {
			break
		}
		target, err := s.resolve(r)
		if err != nil {
			return nil
		}
		m = obj(target)
	}
	return m
}

// walk calls f on every object of the document, with its location.
func (s *spec) walk(v any, at string, f func(string, map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(at, v)
		for k, x := range v {
			s.walk(x, at+"/"+k, f)
		}
	case []any:
		for i, x := range v {
			s.walk(x, at+"/"+strconv.Itoa(i), f)
		}
	}
}

type operation struct {
	method, path string
	op, item     map[string]any
}

func (o operation) id() string {
	id, _ := o.op["operationId"].(string)
	return id
}

var pathItemMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations returns the document's operations by path and method.
func (s *spec) operations() []operation {
	paths := obj(s.root["paths"])
	var ops []operation
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item := obj(paths[p])
		for _, m := range pathItemMethods {
			if op := obj(item[m]); op != nil {
				ops = append(ops, operation{method: strings.ToUpper(m), path: p, op: op, item: item})
			}
		}
	}
	return ops
}

// methods returns the methods a documented path answers, sorted.
func (s *spec) methods(path string) []string {
	var ms []string
	for _, op := range s.operations() {
		if op.path == path {
			ms = append(ms, op.method)
		}
	}
	slices.Sort(ms)
	return ms
}

// match finds the operation of a request; a template segment "{name}"
// matches any one non-empty segment, and literal segments win.
func (s *spec) match(method, path string) (operation, bool) {
	segs := strings.Split(path, "/")
	best, bestScore := operation{}, -1
	for _, op := range s.operations() {
		if op.method != method {
			continue
		}
		tsegs := strings.Split(op.path, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		score := 0
		for i, ts := range tsegs {
			switch {
			case ts == segs[i]:
				score++
			case strings.HasPrefix(ts, "{") && segs[i] != "":
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > bestScore {
			best, bestScore = op, score
		}
	}
	return best, bestScore >= 0
}

// parameters returns an operation's parameters, the path item's first.
func (s *spec) parameters(op operation) []map[string]any {
	var ps []map[string]any
	for _, src := range []map[string]any{op.item, op.op} {
		list, _ := src["parameters"].([]any)
		for _, p := range list {
			ps = append(ps, s.deref(p))
		}
	}
	return ps
}

// response returns the documented response for a status and its key.
func (s *spec) response(op operation, status int) (map[string]any, string) {
	responses := obj(op.op["responses"])
	for _, k := range []string{strconv.Itoa(status), "default"} {
		if r, ok := responses[k]; ok {
			return s.deref(r), k
		}
	}
	return nil, ""
}

// media finds the media type of content that a Content-Type matches:
// the same type, then type/*, then */*.
func media(content map[string]any, contentType string) (string, map[string]any) {
	if contentType == "" {
		// Only a response that allows any type may omit it.
		if m, ok := content["*/*"]; ok {
			return "*/*", obj(m)
		}
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil
	}
	major, _, _ := strings.Cut(mt, "/")
	for _, k := range []string{mt, major + "/*", "*/*"} {
		if m, ok := content[k]; ok {
			return k, obj(m)
		}
	}
	return "", nil
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// checkRequest returns how a request breaks the document: undocumented or
// invalid query parameters and headers, missing required ones, and a body
// its media type or schema does not allow.
func (s *spec) checkRequest(op operation, u *url.URL, header http.Header, body string) []string {
	var errs []string
	params := s.parameters(op)
	find := func(in, name string) map[string]any {
		for _, p := range params {
			// Header names are case-insensitive, query parameters' are not.
			if p["in"] == in && (p["name"] == name || in == "header" && strings.EqualFold(p["name"].(string), name)) {
				return p
			}
		}
		return nil
	}
	query := u.Query()
	for _, name := range slices.Sorted(maps.Keys(query)) {
		p := find("query", name)
		if p == nil {
			errs = append(errs, "query parameter "+name+" is not documented")
			continue
		}
		for _, v := range query[name] {
			errs = append(errs, s.validate(p["schema"], s.coerce(p["schema"], v), "query "+name)...)
		}
	}
	for name := range header {
		if name == "Content-Type" {
			continue
		}
		p := find("header", name)
		if p == nil {
			errs = append(errs, "header "+name+" is not documented")
			continue
		}
		errs = append(errs, s.validate(p["schema"], header.Get(name), "header "+name)...)
	}
	for _, p := range params {
		if p["required"] != true {
			continue
		}
		name := p["name"].(string)
		switch {
		case p["in"] == "query" && !query.Has(name), p["in"] == "header" && header.Get(name) == "":
			errs = append(errs, fmt.Sprintf("the required %s parameter %s is missing", p["in"], name))
		}
	}
	rb := s.deref(op.op["requestBody"])
	switch {
	case body == "" && rb["required"] == true:
		errs = append(errs, "the required body is missing")
	case body == "":
	case rb == nil:
		errs = append(errs, "the operation takes no body")
	default:
		ct := header.Get("Content-Type")
		key, m := media(obj(rb["content"]), ct)
		if m == nil {
			errs = append(errs, fmt.Sprintf("the body's Content-Type %q is not documented", ct))
			break
		}
		if !isJSON(key) {
			break
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			errs = append(errs, "the body is not JSON: "+err.Error())
			break
		}
		errs = append(errs, s.validate(m["schema"], v, "body")...)
	}
	return errs
}

// coerce turns a query value into the JSON value its schema's type says;
// a value that does not parse stays a string, which the schema refuses.
func (s *spec) coerce(schema any, v string) any {
	switch obj(schema)["type"] {
	case "integer", "number":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// checkResponse returns how an answer breaks a documented response: a
// missing required header, a Content-Type it does not list, a body its
// schema refuses, a problem whose status or type disagree with the answer.
func (s *spec) checkResponse(resp map[string]any, method string, a answer) []string {
	var errs []string
	for _, name := range slices.Sorted(maps.Keys(obj(resp["headers"]))) {
		if h := s.deref(obj(resp["headers"])[name]); h["required"] == true && a.header.Get(name) == "" {
			errs = append(errs, "the header "+name+" is missing")
		}
	}
	if method == "HEAD" {
		return errs
	}
	content := obj(resp["content"])
	if len(content) == 0 {
		if a.raw != "" {
			errs = append(errs, fmt.Sprintf("the body %.100q is not documented", a.raw))
		}
		return errs
	}
	ct := a.header.Get("Content-Type")
	key, m := media(content, ct)
	if m == nil {
		return append(errs, fmt.Sprintf("Content-Type %q is not one of %v", ct, slices.Sorted(maps.Keys(content))))
	}
	schema, hasSchema := m["schema"]
	switch {
	case isJSON(key):
		var v any
		if err := json.Unmarshal([]byte(a.raw), &v); err != nil {
			return append(errs, "the body is not JSON: "+err.Error())
		}
		if hasSchema {
			errs = append(errs, s.validate(schema, v, "$")...)
		}
		if key == "application/problem+json" {
			p := obj(v)
			if p["status"] != float64(a.status) {
				errs = append(errs, fmt.Sprintf("the problem's status %v is not the answer's %d", p["status"], a.status))
			}
			if p["type"] != "https://weft.run/problems/"+fmt.Sprint(p["code"]) {
				errs = append(errs, fmt.Sprintf("the problem's type %v does not end in its code %v", p["type"], p["code"]))
			}
		}
	case key == "text/event-stream":
		errs = append(errs, s.checkEvents(m, a.raw)...)
	case hasSchema:
		errs = append(errs, s.validate(schema, a.raw, "$")...)
	}
	return errs
}

// checkEvents checks a Server-Sent Events body: each event's data
// validates against the media type's x-event-data schema and its name is
// the data's type, and the last event is executionFinished.
func (s *spec) checkEvents(m map[string]any, raw string) []string {
	var errs []string
	last := ""
	for i, frame := range strings.Split(strings.TrimSpace(raw), "\n\n") {
		name, data := "", ""
		for line := range strings.SplitSeq(frame, "\n") {
			switch {
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data += line[len("data: "):]
			default:
				errs = append(errs, fmt.Sprintf("event %d: unexpected line %q", i, line))
			}
		}
		if data == "" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			errs = append(errs, fmt.Sprintf("event %d: the data is not JSON: %v", i, err))
			continue
		}
		errs = append(errs, s.validate(m["x-event-data"], v, fmt.Sprintf("event %d", i))...)
		if name != obj(v)["type"] {
			errs = append(errs, fmt.Sprintf("event %d is named %q but its type is %v", i, name, obj(v)["type"]))
		}
		last = name
	}
	if last != "executionFinished" {
		errs = append(errs, fmt.Sprintf("the stream ends with %q, not executionFinished", last))
	}
	return errs
}

// problemCodes returns the codes a problem response's schema allows: the
// enum of code in one of its allOf parts.
func (s *spec) problemCodes(schema any) []string {
	var codes []string
	parts, _ := obj(schema)["allOf"].([]any)
	for _, part := range parts {
		enum, _ := obj(obj(obj(part)["properties"])["code"])["enum"].([]any)
		for _, c := range enum {
			codes = append(codes, c.(string))
		}
	}
	return codes
}

// schemaKeywords is the JSON Schema subset validate understands; the
// annotations are accepted and ignored.
var schemaKeywords = map[string]bool{
	"$ref": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "const": true, "allOf": true, "anyOf": true, "oneOf": true,
	"format": true, "minimum": true,
	"description": true, "title": true, "default": true, "examples": true, "deprecated": true,
}

// checkKeywords reports the keywords of a schema, and of the schemas in
// it, that validate does not understand, so the document cannot promise
// more than the tests check.
func checkKeywords(schema any, at string) []string {
	if _, ok := schema.(bool); ok {
		return nil
	}
	m, ok := schema.(map[string]any)
	if !ok {
		return []string{at + ": a schema must be an object or a boolean"}
	}
	var errs []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !schemaKeywords[k] {
			errs = append(errs, fmt.Sprintf("%s: the keyword %s is not supported by the validator", at, k))
		}
	}
	if f, ok := m["format"]; ok && f != "date-time" {
		errs = append(errs, fmt.Sprintf("%s: format %v is not supported by the validator", at, f))
	}
	for name, p := range obj(m["properties"]) {
		errs = append(errs, checkKeywords(p, at+"/properties/"+name)...)
	}
	for _, k := range []string{"additionalProperties", "items"} {
		if sub, ok := m[k]; ok {
			errs = append(errs, checkKeywords(sub, at+"/"+k)...)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		list, _ := m[k].([]any)
		for i, sub := range list {
			errs = append(errs, checkKeywords(sub, fmt.Sprintf("%s/%s/%d", at, k, i))...)
		}
	}
	return errs
}

// validate checks v against a schema of the schemaKeywords subset and
// returns what does not hold, each prefixed with where it is.
func (s *spec) validate(schema, v any, at string) []string {
	if b, ok := schema.(bool); ok {
		if b {
			return nil
		}
		return []string{at + ": no value is allowed here"}
	}
	sc, ok := schema.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: the schema is a %T", at, schema)}
	}
	var errs []string
	if r, ok := sc["$ref"].(string); ok {
		target, err := s.resolve(r)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		errs = append(errs, s.validate(target, v, at)...)
	}
	if t, ok := sc["type"]; ok && !typeMatches(t, v) {
		return append(errs, fmt.Sprintf("%s: %s is not of type %v", at, kind(v), t))
	}
	if enum, ok := sc["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return reflect.DeepEqual(e, v) }) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if c, ok := sc["const"]; ok && !reflect.DeepEqual(c, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not %v", at, v, c))
	}
	if str, ok := v.(string); ok && sc["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, str))
		}
	}
	if n, ok := v.(float64); ok {
		if min, ok := sc["minimum"].(float64); ok && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v is less than %v", at, n, min))
		}
	}
	if m, ok := v.(map[string]any); ok {
		props := obj(sc["properties"])
		for _, name := range slices.Sorted(maps.Keys(m)) {
			ap, hasAP := sc["additionalProperties"]
			switch p, ok := props[name]; {
			case ok:
				errs = append(errs, s.validate(p, m[name], at+"."+name)...)
			case ap == false:
				errs = append(errs, fmt.Sprintf("%s.%s is not a documented property", at, name))
			case hasAP:
				errs = append(errs, s.validate(ap, m[name], at+"."+name)...)
			}
		}
		required, _ := sc["required"].([]any)
		for _, r := range required {
			if _, ok := m[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %v is missing", at, r))
			}
		}
	}
	if list, ok := v.([]any); ok {
		if items, ok := sc["items"]; ok {
			for i, x := range list {
				errs = append(errs, s.validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	if all, ok := sc["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, s.validate(sub, v, at)...)
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, ok := sc[k].([]any)
		if !ok {
			continue
		}
		n := 0
		var why []string
		for i, sub := range alts {
			if e := s.validate(sub, v, at); len(e) == 0 {
				n++
			} else {
				why = append(why, fmt.Sprintf("#%d: %s", i, e[0]))
			}
		}
		switch {
		case n == 0:
			errs = append(errs, fmt.Sprintf("%s: matches none of %s (%s)", at, k, strings.Join(why, "; ")))
		case k == "oneOf" && n > 1:
			errs = append(errs, fmt.Sprintf("%s: matches %d of oneOf", at, n))
		}
	}
	return errs
}

// kind is the JSON type of a decoded value.
func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// typeMatches reports whether v has the type, or one of the types, of a
// schema's type keyword; an integer is also a number.
func typeMatches(t, v any) bool {
	var types []any
	switch t := t.(type) {
	case string:
		types = []any{t}
	case []any:
		types = t
	}
	k := kind(v)
	for _, want := range types {
		if want == k || want == "number" && k == "integer" {
			return true
		}
	}
	return false
}
