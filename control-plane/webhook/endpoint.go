// Package webhook holds the pure parts of Weft's webhook triggers, with
// n8n's rules: which URLs a workflow's Webhook nodes listen on (Endpoints),
// a registry that maps a request to the node it starts (Registry), the item
// the node outputs for a request (RequestItem) and the HTTP answers
// (Received, LastNode, FromNode, Failed, NotFound). It does no I/O: the HTTP
// server and the executor call it.
//
// Paths are the part of the URL after the webhook prefix ("/webhook/" in
// production, "/webhook-test/" for test calls), as n8n stores them: "bench",
// "<webhookId>/user/:id" for a path with parameters, or
// "<workflowId>/<node name>/<path>" for a node without a webhookId.
package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/weftrun/weft/api"
)

// Node types this package knows.
const (
	// NodeType is the Webhook trigger's node type.
	NodeType = "n8n-nodes-base.webhook"
	// RespondNodeType is the Respond to Webhook node's type.
	RespondNodeType = "n8n-nodes-base.respondToWebhook"
)

// URL prefixes of production and test webhook calls, as in n8n.
const (
	Prefix     = "/webhook/"
	TestPrefix = "/webhook-test/"
)

// Response modes of a Webhook node (its "responseMode" parameter).
const (
	// ModeOnReceived answers as soon as the request is accepted.
	ModeOnReceived = "onReceived"
	// ModeLastNode answers with the output of the node that ran last.
	ModeLastNode = "lastNode"
	// ModeResponseNode answers with what a Respond to Webhook node sends.
	ModeResponseNode = "responseNode"
)

// What a lastNode answer holds (the "responseData" parameter).
const (
	DataFirstEntryJSON   = "firstEntryJson"
	DataAllEntries       = "allEntries"
	DataNoData           = "noData"
	DataFirstEntryBinary = "firstEntryBinary"
)

// Methods are the HTTP methods a Webhook node can listen to.
var Methods = []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}

// versions are the Webhook node's type versions.
var versions = []float64{1, 1.1, 2, 2.1}

// Header is one response header a node sets.
type Header struct {
	Name  string
	Value string
}

// Endpoint is one enabled Webhook node of a workflow, with its parameters
// resolved the way n8n resolves them (defaults filled in, parameters the
// node's other settings hide ignored).
type Endpoint struct {
	// Node is the node's name.
	Node string
	// TypeVersion is the node's type version (1, 1.1, 2 or 2.1).
	TypeVersion float64
	// WebhookID is the node's webhookId, empty when the node has none.
	WebhookID string
	// Methods are the HTTP methods the node listens to, upper case, in the
	// order the node lists them.
	Methods []string
	// MultipleMethods is set when the node listens to several methods
	// ("Allow Multiple HTTP Methods"): it then has one output per method,
	// in the order of Methods (see StartData).
	MultipleMethods bool
	// Path is where requests reach the node, under the webhook prefix and
	// without slashes at either end: the node's path parameter, or
	// "<webhookId>/<path>" when Dynamic, or "<workflowId>/<lower-cased,
	// URI-encoded node name>/<path>" for a node without a webhookId. An
	// empty path parameter stands for the webhookId.
	Path string
	// Dynamic is set when Path has ":name" segments that match any value
	// (n8n does this only for nodes with a webhookId).
	Dynamic bool
	// URLPath is the path part of the webhookUrl the node reports: Path,
	// but keeping a trailing slash of the path parameter, as n8n does.
	URLPath string
	// ResponseMode is ModeOnReceived, ModeLastNode or ModeResponseNode.
	ResponseMode string
	// RespondNodeMissing is set on a ModeResponseNode endpoint whose
	// workflow has no enabled Respond to Webhook node: nothing could
	// answer a call.
	RespondNodeMissing bool
	// ResponseData is what a lastNode answer holds: one of the Data
	// constants (DataFirstEntryJSON by default). Empty in other modes.
	ResponseData string
	// ResponseCode is the status of the answer (200 by default): the
	// responseCode parameter in versions 1 and 1.1, options.responseCode
	// (with its custom code) from version 2.
	ResponseCode int
	// ResponseHeaders are the headers every answer carries
	// (options.responseHeaders), in the node's order.
	ResponseHeaders []Header
	// ResponseText is the body of an onReceived answer
	// (options.responseData); empty for n8n's default message.
	ResponseText string
	// NoResponseBody makes an onReceived answer empty
	// (options.noResponseBody).
	NoResponseBody bool
	// ResponseBinaryPropertyName is the binary property a firstEntryBinary
	// answer sends ("data" by default).
	ResponseBinaryPropertyName string
	// ResponseContentType replaces the Content-Type of a firstEntryJson
	// answer (options.responseContentType).
	ResponseContentType string
	// ResponsePropertyName makes a firstEntryJson answer send that
	// property of the item instead of the whole JSON
	// (options.responsePropertyName, a lodash path).
	ResponsePropertyName string
	// RawBody also puts the request body, unparsed, in the item's binary
	// property "data" (options.rawBody).
	RawBody bool
	// BinaryData (version 1 only, options.binaryData) puts the whole body
	// in a binary property instead of parsing it.
	BinaryData bool
	// BinaryPropertyName is the binary property the body goes to
	// (options.binaryPropertyName; "data" when empty), or the prefix of the
	// properties of multipart files.
	BinaryPropertyName string
	// IgnoreBots refuses requests from bots (options.ignoreBots); see
	// Refuse.
	IgnoreBots bool
	// IPWhitelist lists the addresses allowed to call (options.ipWhitelist,
	// comma separated); empty allows all. See Refuse.
	IPWhitelist string
	// AllowedOrigins is the CORS allow list (options.allowedOrigins, "*"
	// by default).
	AllowedOrigins string
	// Authentication is the node's authentication setting: "none",
	// "basicAuth", "headerAuth" or "jwtAuth". There are no credentials to
	// check a call against yet, so Refuse refuses every call to a webhook
	// that asks for authentication.
	Authentication string
}

// Output returns the output a request with this method leaves the node on:
// the method's position in Methods when the node listens to several
// methods, else 0; -1 when the node does not listen to the method.
func (ep *Endpoint) Output(method string) int {
	return slices.Index(ep.Methods, method) // one method without MultipleMethods
}

// StartData is the start data of an execution the request starts (the
// Webhook node's input lists): the item on the list of the request's
// method, the other lists empty. The Webhook node passes list k to its
// output k.
func StartData(ep Endpoint, method string, item api.Item) [][]api.Item {
	if !ep.MultipleMethods {
		return [][]api.Item{{item}}
	}
	out := make([][]api.Item, len(ep.Methods))
	for k := range out {
		out[k] = []api.Item{}
	}
	if k := ep.Output(method); k >= 0 {
		out[k] = []api.Item{item}
	}
	return out
}

// Registration is an endpoint of an active workflow, as the Registry
// holds it.
type Registration struct {
	// WorkflowID is the workflow's id.
	WorkflowID string
	// Version is the id of the workflow version that registered it.
	Version string
	// Node is the Webhook node's name.
	Node string
	// Endpoint is the node's endpoint.
	Endpoint Endpoint
}

// Registrations returns the registrations of a workflow's Webhook nodes
// (see Endpoints), stamped with the workflow's id and version id.
func Registrations(wf *api.Workflow) ([]Registration, error) {
	eps, err := Endpoints(wf)
	if err != nil {
		return nil, err
	}
	regs := make([]Registration, len(eps))
	for i, ep := range eps {
		regs[i] = Registration{WorkflowID: wf.ID, Version: wf.VersionID, Node: ep.Node, Endpoint: ep}
	}
	return regs, nil
}

// Endpoints lists the enabled Webhook nodes of a workflow. A workflow
// without an id is "__UNSAVED__" in the paths of nodes without a
// webhookId, as in n8n. Errors are *api.ValidationError values naming the
// node and the parameter (joined when there are several): an unknown type
// version, a method that is not one of Methods, an unsupported response
// mode, a parameter set by an expression (only literal values register),
// or two nodes listening to the same method and path.
func Endpoints(wf *api.Workflow) ([]Endpoint, error) {
	var eps []Endpoint
	var errs []error
	seen := map[string]string{} // method + " " + path -> node
	for i := range wf.Nodes {
		n := &wf.Nodes[i]
		if n.Type != NodeType || n.Disabled {
			continue
		}
		ep, err := endpoint(wf.ID, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, m := range ep.Methods {
			key := m + " " + ep.Path
			if other, dup := seen[key]; dup {
				errs = append(errs, invalid(n.Name, "path", fmt.Sprintf("%s %q is also the path of node %q", m, ep.Path, other)))
				continue
			}
			seen[key] = n.Name
		}
		eps = append(eps, ep)
	}
	respond := slices.ContainsFunc(wf.Nodes, func(n api.WorkflowNode) bool { return n.Type == RespondNodeType && !n.Disabled })
	for i := range eps {
		eps[i].RespondNodeMissing = eps[i].ResponseMode == ModeResponseNode && !respond
	}
	return eps, errors.Join(errs...)
}

// WaitEndpoint is how a Wait node that resumes on a webhook call takes
// and answers that call: its parameters are a version 1.1 Webhook node's
// (method, response mode, code and data, options), less the path, which
// is the execution's.
func WaitEndpoint(n *api.WorkflowNode) (Endpoint, error) {
	hook := *n
	hook.Type, hook.TypeVersion = NodeType, 1.1
	if hook.WebhookID == "" {
		hook.WebhookID = "waiting"
	}
	return endpoint("", &hook)
}

func invalid(node, field, msg string) error {
	return &api.ValidationError{Node: node, Field: "parameters." + field, Message: fmt.Sprintf("node %q: parameters.%s: %s", node, field, msg)}
}

// webhookParams are the parameters of a Webhook node, kept raw: most may
// be expressions or of an unexpected JSON type.
type webhookParams struct {
	HTTPMethod                 json.RawMessage            `json:"httpMethod"`
	MultipleMethods            json.RawMessage            `json:"multipleMethods"`
	Path                       json.RawMessage            `json:"path"`
	Authentication             json.RawMessage            `json:"authentication"`
	ResponseMode               json.RawMessage            `json:"responseMode"`
	ResponseData               json.RawMessage            `json:"responseData"`
	ResponseCode               json.RawMessage            `json:"responseCode"`
	ResponseBinaryPropertyName json.RawMessage            `json:"responseBinaryPropertyName"`
	Options                    map[string]json.RawMessage `json:"options"`
}

// reader reads a node's parameters and remembers the first problem.
type reader struct {
	node string
	err  error
}

func (r *reader) fail(field, msg string) {
	if r.err == nil {
		r.err = invalid(r.node, field, msg)
	}
}

// literal returns a parameter's value with n8n's "=" expression marker
// removed when the expression is a plain text ("=bench" is "bench").
// Expressions with {{ }} cannot be evaluated when the workflow registers.
func (r *reader) literal(field string, raw json.RawMessage) (any, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		r.fail(field, err.Error())
		return nil, false
	}
	if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
		if strings.Contains(s, "{{") {
			r.fail(field, fmt.Sprintf("an expression (%q) cannot set it: webhooks register with literal values", s))
			return nil, false
		}
		return s[1:], true
	}
	return v, true
}

func (r *reader) str(field string, raw json.RawMessage, def string) string {
	v, ok := r.literal(field, raw)
	if !ok {
		return def
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	r.fail(field, fmt.Sprintf("want a string, got %s", raw))
	return def
}

func (r *reader) boolean(field string, raw json.RawMessage) bool {
	v, ok := r.literal(field, raw)
	if !ok {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b
		}
	}
	r.fail(field, fmt.Sprintf("want a boolean, got %s", raw))
	return false
}

func (r *reader) number(field string, raw json.RawMessage, def int) int {
	v, ok := r.literal(field, raw)
	if !ok {
		return def
	}
	switch x := v.(type) {
	case float64:
		if x == float64(int(x)) {
			return int(x)
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n
		}
	}
	r.fail(field, fmt.Sprintf("want a whole number, got %s", raw))
	return def
}

func (r *reader) method(field, m string) string {
	if !slices.Contains(Methods, m) {
		r.fail(field, fmt.Sprintf("%q is not an HTTP method a webhook listens to (%s)", m, strings.Join(Methods, ", ")))
	}
	return m
}

// endpoint reads one Webhook node. Which parameters count follows the
// node's display rules, because n8n drops the parameters a node hides
// before it reads them: responseData only in lastNode mode, the top-level
// responseCode only in versions 1 and 1.1 and outside responseNode mode.
func endpoint(workflowID string, n *api.WorkflowNode) (Endpoint, error) {
	r := &reader{node: n.Name}
	if !slices.Contains(versions, n.TypeVersion) {
		return Endpoint{}, &api.ValidationError{Node: n.Name, Field: "typeVersion",
			Message: fmt.Sprintf("node %q: the Webhook node has no version %v (it has 1, 1.1, 2 and 2.1)", n.Name, n.TypeVersion)}
	}
	var p webhookParams
	if len(n.Parameters) > 0 {
		if err := json.Unmarshal(n.Parameters, &p); err != nil {
			return Endpoint{}, invalid(n.Name, "", err.Error())
		}
	}
	ep := Endpoint{Node: n.Name, TypeVersion: n.TypeVersion, WebhookID: n.WebhookID}

	ep.MultipleMethods = r.boolean("multipleMethods", p.MultipleMethods)
	if ep.MultipleMethods {
		ep.Methods = []string{"GET", "POST"}
		if v, ok := r.literal("httpMethod", p.HTTPMethod); ok {
			list, isList := v.([]any)
			if !isList || len(list) == 0 {
				r.fail("httpMethod", fmt.Sprintf("want a list of HTTP methods, got %s", p.HTTPMethod))
			}
			ep.Methods = ep.Methods[:0]
			for _, m := range list {
				s, _ := m.(string)
				if slices.Contains(ep.Methods, s) {
					r.fail("httpMethod", fmt.Sprintf("%q is listed twice", s))
				}
				ep.Methods = append(ep.Methods, r.method("httpMethod", s))
			}
		}
	} else {
		ep.Methods = []string{r.method("httpMethod", r.str("httpMethod", p.HTTPMethod, "GET"))}
	}

	param := r.str("path", p.Path, "")
	wfID := workflowID
	if wfID == "" {
		wfID = "__UNSAVED__"
	}
	ep.Path, ep.Dynamic = registeredPath(wfID, n.Name, n.WebhookID, param)
	ep.URLPath = urlPath(wfID, n.Name, n.WebhookID, param)
	if ep.Path == "" {
		r.fail("path", "the path is empty and the node has no webhookId to stand for it")
	}
	if ep.Dynamic {
		for _, seg := range strings.Split(ep.Path, "/")[1:] {
			if seg == ":" {
				r.fail("path", fmt.Sprintf("%q has a parameter without a name", param))
			}
		}
	}

	ep.Authentication = r.str("authentication", p.Authentication, "none")
	switch ep.Authentication {
	case "none", "basicAuth", "headerAuth", "jwtAuth":
	default:
		r.fail("authentication", fmt.Sprintf("%q is not supported (none, basicAuth, headerAuth, jwtAuth)", ep.Authentication))
	}

	ep.ResponseMode = r.str("responseMode", p.ResponseMode, ModeOnReceived)
	switch ep.ResponseMode {
	case ModeOnReceived, ModeLastNode, ModeResponseNode:
	case "streaming":
		r.fail("responseMode", "streaming responses are not supported")
	default:
		r.fail("responseMode", fmt.Sprintf("%q is not a response mode (onReceived, lastNode, responseNode)", ep.ResponseMode))
	}
	if ep.ResponseMode == ModeLastNode {
		ep.ResponseData = r.str("responseData", p.ResponseData, DataFirstEntryJSON)
		switch ep.ResponseData {
		case DataFirstEntryJSON, DataAllEntries, DataNoData, DataFirstEntryBinary:
		default:
			r.fail("responseData", fmt.Sprintf("%q is not one of firstEntryJson, allEntries, noData, firstEntryBinary", ep.ResponseData))
		}
		if ep.ResponseData == DataFirstEntryBinary {
			ep.ResponseBinaryPropertyName = r.str("responseBinaryPropertyName", p.ResponseBinaryPropertyName, "data")
		}
	}

	opt := p.Options
	ep.ResponseCode = 200
	if n.TypeVersion < 2 {
		if ep.ResponseMode != ModeResponseNode {
			ep.ResponseCode = r.number("responseCode", p.ResponseCode, 200)
		}
	} else if raw, ok := opt["responseCode"]; ok {
		ep.ResponseCode = optionResponseCode(r, raw)
	}
	if ep.ResponseCode < 100 || ep.ResponseCode > 599 {
		r.fail("responseCode", fmt.Sprintf("%d is not an HTTP status (100 to 599)", ep.ResponseCode))
	}

	ep.ResponseText = r.str("options.responseData", opt["responseData"], "")
	ep.NoResponseBody = r.boolean("options.noResponseBody", opt["noResponseBody"])
	ep.ResponseContentType = r.str("options.responseContentType", opt["responseContentType"], "")
	ep.ResponsePropertyName = r.str("options.responsePropertyName", opt["responsePropertyName"], "")
	ep.RawBody = r.boolean("options.rawBody", opt["rawBody"])
	if n.TypeVersion == 1 {
		ep.BinaryData = r.boolean("options.binaryData", opt["binaryData"])
	}
	ep.BinaryPropertyName = r.str("options.binaryPropertyName", opt["binaryPropertyName"], "")
	ep.IgnoreBots = r.boolean("options.ignoreBots", opt["ignoreBots"])
	ep.IPWhitelist = r.str("options.ipWhitelist", opt["ipWhitelist"], "")
	ep.AllowedOrigins = r.str("options.allowedOrigins", opt["allowedOrigins"], "*")
	ep.ResponseHeaders = responseHeaders(r, opt["responseHeaders"])
	if r.err != nil {
		return Endpoint{}, r.err
	}
	return ep, nil
}

// optionResponseCode reads version 2's options.responseCode:
// {"values": {"responseCode": 200 | "customCode", "customCode": 418}}.
func optionResponseCode(r *reader, raw json.RawMessage) int {
	var rc struct {
		Values *struct {
			ResponseCode json.RawMessage `json:"responseCode"`
			CustomCode   json.RawMessage `json:"customCode"`
		} `json:"values"`
	}
	if err := json.Unmarshal(raw, &rc); err != nil {
		r.fail("options.responseCode", fmt.Sprintf("want {\"values\": {\"responseCode\": …}}, got %s", raw))
		return 200
	}
	if rc.Values == nil {
		return 200
	}
	if custom := r.number("options.responseCode.values.customCode", rc.Values.CustomCode, 0); custom != 0 {
		return custom
	}
	return r.number("options.responseCode.values.responseCode", rc.Values.ResponseCode, 200)
}

// responseHeaders reads options.responseHeaders: {"entries": [{name, value}]}.
func responseHeaders(r *reader, raw json.RawMessage) []Header {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var rh struct {
		Entries []struct {
			Name  json.RawMessage `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(raw, &rh); err != nil {
		r.fail("options.responseHeaders", fmt.Sprintf("want {\"entries\": [{\"name\", \"value\"}]}, got %s", raw))
		return nil
	}
	var out []Header
	for i, e := range rh.Entries {
		field := fmt.Sprintf("options.responseHeaders.entries[%d]", i)
		name := r.str(field+".name", e.Name, "")
		if name == "" {
			continue
		}
		out = append(out, Header{Name: name, Value: r.str(field+".value", e.Value, "")})
	}
	return out
}

// isDynamicParam reports whether a path parameter has ":name" segments,
// n8n's test (a path that starts with ':' or holds "/:").
func isDynamicParam(p string) bool {
	return strings.HasPrefix(p, ":") || strings.Contains(p, "/:")
}

// registeredPath is the path n8n stores for a Webhook node
// (WebhookService.getNodeWebhooks with NodeHelpers.getNodeWebhookPath;
// the Webhook node's description sets isFullPath): one leading and one
// trailing slash removed; without a webhookId the path is namespaced by
// the workflow id and the lower-cased, URI-encoded node name; with one, an
// empty path is the webhookId. A path with ":name" segments is dynamic
// when the node has a webhookId: requests reach it at
// "<webhookId>/<path>".
func registeredPath(workflowID, node, webhookID, param string) (string, bool) {
	p := strings.TrimSuffix(strings.TrimPrefix(param, "/"), "/")
	var path string
	if webhookID == "" {
		path = workflowID + "/" + encodeURIComponent(strings.ToLower(node)) + "/" + p
	} else {
		path = p
		if path == "" {
			path = webhookID
		}
	}
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	if webhookID != "" && isDynamicParam(path) {
		return webhookID + "/" + path, true
	}
	return path, false
}

// urlPath is the path part of the node's webhookUrl
// (NodeHelpers.getNodeWebhookUrl): the path parameter without its leading
// slash, prefixed by the webhookId when it has ":name" segments.
func urlPath(workflowID, node, webhookID, param string) string {
	full := !(isDynamicParam(param) && webhookID != "")
	p := strings.TrimPrefix(param, "/")
	switch {
	case webhookID == "":
		return workflowID + "/" + encodeURIComponent(strings.ToLower(node)) + "/" + p
	case full && p == "":
		return webhookID
	case full:
		return p
	}
	return webhookID + "/" + p
}

// encodeURIComponent is JavaScript's: everything but A-Z a-z 0-9 - _ . ! ~
// * ' ( ) is percent-encoded as UTF-8.
func encodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-_.!~*'()", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
