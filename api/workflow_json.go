package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// This file holds the reading and writing machinery shared by the workflow
// types: typed field extraction with clear errors, presence tracking and an
// object writer that keeps what it read.

// fieldState remembers which modeled fields a document held: present with a
// value (possibly zero) or present as null. Bits are per type.
type fieldState struct {
	present, null uint32
}

// Field bits of Workflow.
const (
	wfID uint32 = 1 << iota
	wfIDNumber
	wfName
	wfActive
	wfNodes
	wfConnections
	wfSettings
	wfPinData
	wfTags
	wfVersionID
)

// Field bits of WorkflowNode.
const (
	nID uint32 = 1 << iota
	nName
	nType
	nTypeVersion
	nPosition
	nDisabled
	nNotes
	nNotesInFlow
	nOnError
	nContinueOnFail
	nRetryOnFail
	nMaxTries
	nWaitBetweenTries
	nAlwaysOutputData
	nExecuteOnce
	nWebhookID
)

// Field bits of Settings.
const (
	sExecutionOrder uint32 = 1 << iota
	sTimezone
	sErrorWorkflow
	sErrorWorkflowNumber
	sSaveDataError
	sSaveDataSuccess
	sCallerPolicy
	sCallerIDs
	sExecutionTimeout
)

// Field bits of ConnectionTarget and Tag.
const (
	tNode uint32 = 1 << iota
	tType
	tIndex
	tParsed
)

const (
	tagID uint32 = 1 << iota
	tagIDNumber
	tagName
	tagBare
)

// Modeled keys of each type; Extra entries with these keys are not written.
var (
	workflowKeys = []string{"id", "name", "active", "nodes", "connections", "settings", "pinData", "staticData", "meta", "tags", "versionId"}
	nodeKeys     = []string{"parameters", "id", "name", "type", "typeVersion", "position", "disabled", "notes", "notesInFlow", "onError", "continueOnFail", "retryOnFail", "maxTries", "waitBetweenTries", "alwaysOutputData", "executeOnce", "credentials", "webhookId"}
	settingsKeys = []string{"executionOrder", "timezone", "errorWorkflow", "saveDataErrorExecution", "saveDataSuccessExecution", "callerPolicy", "callerIds", "executionTimeout"}
	targetKeys   = []string{"node", "type", "index"}
	tagKeys      = []string{"id", "name"}
)

// jsonKind names the JSON type of a raw value: object, array, string,
// number, boolean or null.
func jsonKind(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// objDecoder takes the fields of one JSON object, checking their types and
// recording their presence; what is left over becomes Extra.
type objDecoder struct {
	m     map[string]json.RawMessage
	where string
	st    *fieldState
}

// newObjDecoder reads raw as an object; where names it in errors.
func newObjDecoder(raw []byte, where string, st *fieldState) (*objDecoder, error) {
	if k := jsonKind(raw); k != "object" {
		return nil, fmt.Errorf("%s must be an object, got %s", where, k)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return &objDecoder{m: m, where: where, st: st}, nil
}

// take removes key from the object. It reports false when the key is absent
// or null, recording null under bit.
func (d *objDecoder) take(key string, bit uint32) (json.RawMessage, bool) {
	raw, ok := d.m[key]
	if !ok {
		return nil, false
	}
	delete(d.m, key)
	if jsonKind(raw) == "null" {
		d.st.null |= bit
		return nil, false
	}
	d.st.present |= bit
	return raw, true
}

// typeErr reports a field of the wrong JSON type.
func (d *objDecoder) typeErr(key, want string, raw []byte) error {
	return fmt.Errorf("%s: %s must be %s, got %s", d.where, key, want, jsonKind(raw))
}

// str reads a string field.
func (d *objDecoder) str(key string, bit uint32, dst *string) error {
	raw, ok := d.take(key, bit)
	if !ok {
		return nil
	}
	if jsonKind(raw) != "string" {
		return d.typeErr(key, "a string", raw)
	}
	return json.Unmarshal(raw, dst)
}

// id reads a string field that may also be a number (old n8n ids), setting
// numBit when it was one.
func (d *objDecoder) id(key string, bit, numBit uint32, dst *string) error {
	raw, ok := d.take(key, bit)
	if !ok {
		return nil
	}
	switch jsonKind(raw) {
	case "string":
		return json.Unmarshal(raw, dst)
	case "number":
		*dst = string(raw)
		d.st.present |= numBit
		return nil
	}
	return d.typeErr(key, "a string", raw)
}

// boolean reads a boolean field.
func (d *objDecoder) boolean(key string, bit uint32, dst *bool) error {
	raw, ok := d.take(key, bit)
	if !ok {
		return nil
	}
	if jsonKind(raw) != "boolean" {
		return d.typeErr(key, "a boolean", raw)
	}
	return json.Unmarshal(raw, dst)
}

// number reads a number field.
func (d *objDecoder) number(key string, bit uint32, dst *float64) error {
	raw, ok := d.take(key, bit)
	if !ok {
		return nil
	}
	if jsonKind(raw) != "number" {
		return d.typeErr(key, "a number", raw)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return fmt.Errorf("%s: %s %s is out of range", d.where, key, raw)
	}
	*dst = f
	return nil
}

// integer reads a number field that must hold an integer (3 or 3.0).
func (d *objDecoder) integer(key string, bit uint32, dst *int) error {
	raw, ok := d.take(key, bit)
	if !ok {
		return nil
	}
	if jsonKind(raw) != "number" {
		return d.typeErr(key, "an integer", raw)
	}
	v, ok := parseInt(raw)
	if !ok {
		return fmt.Errorf("%s: %s must be an integer, got %s", d.where, key, raw)
	}
	*dst = v
	return nil
}

// parseInt reads a JSON number that holds an integer within ±2^53, or any
// exact int64.
func parseInt(raw []byte) (int, bool) {
	if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return int(v), true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

// raw takes a field kept as raw JSON, null included.
func (d *objDecoder) raw(key string, dst *json.RawMessage) {
	if raw, ok := d.m[key]; ok {
		delete(d.m, key)
		*dst = raw
	}
}

// extra returns the fields not taken, or nil.
func (d *objDecoder) extra() map[string]json.RawMessage {
	if len(d.m) == 0 {
		return nil
	}
	return d.m
}

// decodeArray reads raw as a JSON array; where names it in errors.
func decodeArray(raw []byte, where string) ([]json.RawMessage, error) {
	if k := jsonKind(raw); k != "array" {
		return nil, fmt.Errorf("%s must be an array, got %s", where, k)
	}
	var a []json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if a == nil {
		a = []json.RawMessage{}
	}
	return a, nil
}

// objEncoder writes one JSON object, field by field, without HTML escaping.
type objEncoder struct {
	buf bytes.Buffer
	n   int
	st  fieldState
	err error
}

// newObjEncoder starts an object whose fields were read with state st.
func newObjEncoder(st fieldState) *objEncoder {
	e := &objEncoder{st: st}
	e.buf.WriteByte('{')
	return e
}

// key writes a field name and the colon.
func (e *objEncoder) key(k string) {
	if e.n > 0 {
		e.buf.WriteByte(',')
	}
	e.n++
	WriteJSONString(&e.buf, k)
	e.buf.WriteByte(':')
}

// absent writes null for a field read as null and reports whether the field
// is to be left out; set says the field holds a value to write.
func (e *objEncoder) absent(k string, set bool, bit uint32) bool {
	if set || e.st.present&bit != 0 {
		return false
	}
	if e.st.null&bit != 0 {
		e.key(k)
		e.buf.WriteString("null")
	}
	return true
}

// str writes a string field.
func (e *objEncoder) str(k, v string, bit uint32) {
	if e.absent(k, v != "", bit) {
		return
	}
	e.key(k)
	WriteJSONString(&e.buf, v)
}

// id writes an id field, as a number when it was read as one.
func (e *objEncoder) id(k, v string, bit, numBit uint32) {
	if e.absent(k, v != "", bit) {
		return
	}
	e.key(k)
	if e.st.present&numBit != 0 && jsonKind([]byte(v)) == "number" && json.Valid([]byte(v)) {
		e.buf.WriteString(v)
		return
	}
	WriteJSONString(&e.buf, v)
}

// boolean writes a boolean field.
func (e *objEncoder) boolean(k string, v bool, bit uint32) {
	if e.absent(k, v, bit) {
		return
	}
	e.key(k)
	e.buf.WriteString(strconv.FormatBool(v))
}

// number writes a number field.
func (e *objEncoder) number(k string, v float64, bit uint32) {
	if e.absent(k, v != 0, bit) {
		return
	}
	e.key(k)
	e.float(v)
}

// integer writes an integer field.
func (e *objEncoder) integer(k string, v int, bit uint32) {
	if e.absent(k, v != 0, bit) {
		return
	}
	e.key(k)
	e.buf.WriteString(strconv.Itoa(v))
}

// float writes a number as encoding/json does.
func (e *objEncoder) float(v float64) {
	b, err := json.Marshal(v)
	if err != nil {
		e.fail(err)
		return
	}
	e.buf.Write(b)
}

// raw writes a field kept as raw JSON, when it is set.
func (e *objEncoder) raw(k string, v json.RawMessage) {
	if len(v) == 0 {
		return
	}
	e.key(k)
	e.rawValue(k, v)
}

// rawValue writes raw JSON, compacted.
func (e *objEncoder) rawValue(k string, v json.RawMessage) {
	if err := json.Compact(&e.buf, v); err != nil {
		e.fail(fmt.Errorf("field %q: %w", k, err))
	}
}

// value writes a field whose value write produces, when set says it holds
// one (non-nil slice or map, non-zero struct) or the document had it.
func (e *objEncoder) value(k string, set bool, bit uint32, write func(*objEncoder)) {
	if e.absent(k, set, bit) {
		return
	}
	e.key(k)
	write(e)
}

// extra writes the unmodeled fields in key order, skipping modeled keys.
func (e *objEncoder) extra(m map[string]json.RawMessage, known []string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(known, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.key(k)
		if len(m[k]) == 0 {
			e.fail(fmt.Errorf("field %q: empty raw JSON value", k))
			continue
		}
		e.rawValue(k, m[k])
	}
}

// fail records the first error.
func (e *objEncoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// finish closes the object.
func (e *objEncoder) finish() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	e.buf.WriteByte('}')
	return e.buf.Bytes(), nil
}

// nested writes the object that enc returns as the value of the current
// field.
func (e *objEncoder) nested(b []byte, err error) {
	if err != nil {
		e.fail(err)
		return
	}
	e.buf.Write(b)
}

// WriteJSONString writes s as a JSON string. Unlike encoding/json it leaves
// <, > and & alone, so strings come back byte for byte as they were sent;
// invalid UTF-8 becomes U+FFFD, as encoding/json reads it.
func WriteJSONString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case c == '\n':
				buf.WriteString(`\n`)
			case c == '\r':
				buf.WriteString(`\r`)
			case c == '\t':
				buf.WriteString(`\t`)
			case c < 0x20:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xf])
			default:
				buf.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xf])
		default:
			buf.WriteString(s[i : i+size])
		}
		i += size
	}
	buf.WriteByte('"')
}
