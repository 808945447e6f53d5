package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// This file reads and writes each workflow type with the machinery of
// workflow_json.go.

// UnmarshalJSON reads a workflow; see ParseWorkflow. null leaves w as it is.
func (w *Workflow) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return w.decode(data)
}

// decode reads a workflow document into w.
func (w *Workflow) decode(raw []byte) error {
	*w = Workflow{}
	d, err := newObjDecoder(raw, "workflow", &w.fields)
	if err != nil {
		return err
	}
	for _, e := range []error{
		d.id("id", wfID, wfIDNumber, &w.ID),
		d.str("name", wfName, &w.Name),
		d.boolean("active", wfActive, &w.Active),
		d.str("versionId", wfVersionID, &w.VersionID),
	} {
		if e != nil {
			return e
		}
	}
	if r, ok := d.take("nodes", wfNodes); ok {
		arr, err := decodeArray(r, "workflow: nodes")
		if err != nil {
			return err
		}
		w.Nodes = make([]WorkflowNode, len(arr))
		for i, nr := range arr {
			if err := w.Nodes[i].decode(nr, i); err != nil {
				return err
			}
		}
	}
	if r, ok := d.take("connections", wfConnections); ok {
		if err := w.Connections.decode(r); err != nil {
			return err
		}
	}
	if r, ok := d.take("settings", wfSettings); ok {
		if err := w.Settings.decode(r); err != nil {
			return err
		}
	}
	if r, ok := d.take("pinData", wfPinData); ok {
		pd, err := newObjDecoder(r, "workflow: pinData", &fieldState{})
		if err != nil {
			return err
		}
		w.PinData = PinData(pd.m)
		if w.PinData == nil {
			w.PinData = PinData{}
		}
	}
	if r, ok := d.take("tags", wfTags); ok {
		arr, err := decodeArray(r, "workflow: tags")
		if err != nil {
			return err
		}
		w.Tags = make([]Tag, len(arr))
		for i, tr := range arr {
			if err := w.Tags[i].decode(tr, fmt.Sprintf("tag %d", i)); err != nil {
				return err
			}
		}
	}
	d.raw("staticData", &w.StaticData)
	d.raw("meta", &w.Meta)
	w.Extra = d.extra()
	return nil
}

// MarshalJSON writes the workflow as n8n export JSON, with every field it
// was read with, unmodeled ones included.
func (w Workflow) MarshalJSON() ([]byte, error) {
	e := newObjEncoder(w.fields)
	e.id("id", w.ID, wfID, wfIDNumber)
	e.str("name", w.Name, wfName)
	e.boolean("active", w.Active, wfActive)
	e.value("nodes", w.Nodes != nil, wfNodes, func(e *objEncoder) {
		e.buf.WriteByte('[')
		for i := range w.Nodes {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			e.nested(w.Nodes[i].MarshalJSON())
		}
		e.buf.WriteByte(']')
	})
	e.value("connections", w.Connections != nil, wfConnections, func(e *objEncoder) {
		e.nested(w.Connections.MarshalJSON())
	})
	e.value("settings", !w.Settings.isZero(), wfSettings, func(e *objEncoder) {
		e.nested(w.Settings.MarshalJSON())
	})
	e.value("pinData", w.PinData != nil, wfPinData, func(e *objEncoder) {
		e.nested(w.PinData.MarshalJSON())
	})
	e.raw("staticData", w.StaticData)
	e.raw("meta", w.Meta)
	e.value("tags", w.Tags != nil, wfTags, func(e *objEncoder) {
		e.buf.WriteByte('[')
		for i := range w.Tags {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			e.nested(w.Tags[i].MarshalJSON())
		}
		e.buf.WriteByte(']')
	})
	e.str("versionId", w.VersionID, wfVersionID)
	e.extra(w.Extra, workflowKeys)
	return e.finish()
}

// UnmarshalJSON reads one node. null leaves n as it is.
func (n *WorkflowNode) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return n.decode(data, -1)
}

// decode reads node number i of a workflow (-1 when read on its own).
func (n *WorkflowNode) decode(raw []byte, i int) error {
	*n = WorkflowNode{}
	where := "node"
	if i >= 0 {
		where = fmt.Sprintf("node %d", i)
	}
	d, err := newObjDecoder(raw, where, &n.fields)
	if err != nil {
		return err
	}
	if err := d.str("name", nName, &n.Name); err != nil {
		return err
	}
	switch {
	case n.Name == "":
	case i >= 0:
		d.where = fmt.Sprintf("%s (%q)", where, n.Name)
	default:
		d.where = fmt.Sprintf("node %q", n.Name)
	}
	for _, e := range []error{
		d.str("id", nID, &n.ID),
		d.str("type", nType, &n.Type),
		d.number("typeVersion", nTypeVersion, &n.TypeVersion),
		d.boolean("disabled", nDisabled, &n.Disabled),
		d.str("notes", nNotes, &n.Notes),
		d.boolean("notesInFlow", nNotesInFlow, &n.NotesInFlow),
		d.str("onError", nOnError, &n.OnError),
		d.boolean("continueOnFail", nContinueOnFail, &n.ContinueOnFail),
		d.boolean("retryOnFail", nRetryOnFail, &n.RetryOnFail),
		d.integer("maxTries", nMaxTries, &n.MaxTries),
		d.integer("waitBetweenTries", nWaitBetweenTries, &n.WaitBetweenTries),
		d.boolean("alwaysOutputData", nAlwaysOutputData, &n.AlwaysOutputData),
		d.boolean("executeOnce", nExecuteOnce, &n.ExecuteOnce),
		d.str("webhookId", nWebhookID, &n.WebhookID),
	} {
		if e != nil {
			return e
		}
	}
	if r, ok := d.take("position", nPosition); ok {
		arr, err := decodeArray(r, d.where+": position")
		if err != nil {
			return err
		}
		n.Position = make([]float64, len(arr))
		for j, v := range arr {
			if k := jsonKind(v); k != "number" {
				return fmt.Errorf("%s: position must hold numbers, got %s", d.where, k)
			}
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return fmt.Errorf("%s: position %s is out of range", d.where, v)
			}
			n.Position[j] = f
		}
	}
	d.raw("parameters", &n.Parameters)
	d.raw("credentials", &n.Credentials)
	n.Extra = d.extra()
	return nil
}

// MarshalJSON writes the node as n8n export JSON.
func (n WorkflowNode) MarshalJSON() ([]byte, error) {
	e := newObjEncoder(n.fields)
	e.raw("parameters", n.Parameters)
	e.str("id", n.ID, nID)
	e.str("name", n.Name, nName)
	e.str("type", n.Type, nType)
	e.number("typeVersion", n.TypeVersion, nTypeVersion)
	e.value("position", n.Position != nil, nPosition, func(e *objEncoder) {
		e.buf.WriteByte('[')
		for i, f := range n.Position {
			if i > 0 {
				e.buf.WriteByte(',')
			}
			e.float(f)
		}
		e.buf.WriteByte(']')
	})
	e.boolean("disabled", n.Disabled, nDisabled)
	e.str("notes", n.Notes, nNotes)
	e.boolean("notesInFlow", n.NotesInFlow, nNotesInFlow)
	e.str("onError", n.OnError, nOnError)
	e.boolean("continueOnFail", n.ContinueOnFail, nContinueOnFail)
	e.boolean("retryOnFail", n.RetryOnFail, nRetryOnFail)
	e.integer("maxTries", n.MaxTries, nMaxTries)
	e.integer("waitBetweenTries", n.WaitBetweenTries, nWaitBetweenTries)
	e.boolean("alwaysOutputData", n.AlwaysOutputData, nAlwaysOutputData)
	e.boolean("executeOnce", n.ExecuteOnce, nExecuteOnce)
	e.raw("credentials", n.Credentials)
	e.str("webhookId", n.WebhookID, nWebhookID)
	e.extra(n.Extra, nodeKeys)
	return e.finish()
}

// UnmarshalJSON reads workflow settings. null leaves s as it is.
func (s *Settings) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return s.decode(data)
}

// decode reads the settings object.
func (s *Settings) decode(raw []byte) error {
	*s = Settings{}
	d, err := newObjDecoder(raw, "settings", &s.fields)
	if err != nil {
		return err
	}
	for _, e := range []error{
		d.str("executionOrder", sExecutionOrder, &s.ExecutionOrder),
		d.str("timezone", sTimezone, &s.Timezone),
		d.id("errorWorkflow", sErrorWorkflow, sErrorWorkflowNumber, &s.ErrorWorkflow),
		d.str("saveDataErrorExecution", sSaveDataError, &s.SaveDataErrorExecution),
		d.str("saveDataSuccessExecution", sSaveDataSuccess, &s.SaveDataSuccessExecution),
		d.str("callerPolicy", sCallerPolicy, &s.CallerPolicy),
		d.str("callerIds", sCallerIDs, &s.CallerIDs),
		d.integer("executionTimeout", sExecutionTimeout, &s.ExecutionTimeout),
	} {
		if e != nil {
			return e
		}
	}
	s.Extra = d.extra()
	return nil
}

// isZero reports whether the settings hold nothing to write.
func (s *Settings) isZero() bool {
	return s.fields == fieldState{} && len(s.Extra) == 0 &&
		s.ExecutionOrder == "" && s.Timezone == "" && s.ErrorWorkflow == "" &&
		s.SaveDataErrorExecution == "" && s.SaveDataSuccessExecution == "" &&
		s.CallerPolicy == "" && s.CallerIDs == "" && s.ExecutionTimeout == 0
}

// MarshalJSON writes the settings object.
func (s Settings) MarshalJSON() ([]byte, error) {
	e := newObjEncoder(s.fields)
	e.str("executionOrder", s.ExecutionOrder, sExecutionOrder)
	e.str("timezone", s.Timezone, sTimezone)
	e.id("errorWorkflow", s.ErrorWorkflow, sErrorWorkflow, sErrorWorkflowNumber)
	e.str("saveDataErrorExecution", s.SaveDataErrorExecution, sSaveDataError)
	e.str("saveDataSuccessExecution", s.SaveDataSuccessExecution, sSaveDataSuccess)
	e.str("callerPolicy", s.CallerPolicy, sCallerPolicy)
	e.str("callerIds", s.CallerIDs, sCallerIDs)
	e.integer("executionTimeout", s.ExecutionTimeout, sExecutionTimeout)
	e.extra(s.Extra, settingsKeys)
	return e.finish()
}

// UnmarshalJSON reads a tag, object or bare string. null leaves t as it is.
func (t *Tag) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return t.decode(data, "tag")
}

// decode reads a tag; where names it in errors.
func (t *Tag) decode(raw []byte, where string) error {
	*t = Tag{}
	if jsonKind(raw) == "string" {
		t.fields.present = tagBare
		return json.Unmarshal(raw, &t.Name)
	}
	d, err := newObjDecoder(raw, where, &t.fields)
	if err != nil {
		return fmt.Errorf("%s must be an object or a string, got %s", where, jsonKind(raw))
	}
	if err := d.id("id", tagID, tagIDNumber, &t.ID); err != nil {
		return err
	}
	if err := d.str("name", tagName, &t.Name); err != nil {
		return err
	}
	t.Extra = d.extra()
	return nil
}

// MarshalJSON writes the tag in the shape it was read in.
func (t Tag) MarshalJSON() ([]byte, error) {
	if t.fields.present&tagBare != 0 && t.ID == "" && len(t.Extra) == 0 {
		var b bytes.Buffer
		WriteJSONString(&b, t.Name)
		return b.Bytes(), nil
	}
	e := newObjEncoder(t.fields)
	e.id("id", t.ID, tagID, tagIDNumber)
	e.str("name", t.Name, tagName)
	e.extra(t.Extra, tagKeys)
	return e.finish()
}

// UnmarshalJSON reads the connections object. null leaves c as it is.
func (c *Connections) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return c.decode(data)
}

// decode reads the connections object with errors that name the source node,
// connection type, output and target.
func (c *Connections) decode(raw []byte) error {
	d, err := newObjDecoder(raw, "connections", &fieldState{})
	if err != nil {
		return err
	}
	out := make(Connections, len(d.m))
	for src, sr := range d.m {
		if jsonKind(sr) == "null" {
			out[src] = nil
			continue
		}
		td, err := newObjDecoder(sr, fmt.Sprintf("connections from %q", src), &fieldState{})
		if err != nil {
			return err
		}
		nc := make(NodeConnections, len(td.m))
		for typ, or := range td.m {
			where := fmt.Sprintf("connections from %q %s", src, typ)
			if jsonKind(or) == "null" {
				nc[typ] = nil
				continue
			}
			outs, err := decodeArray(or, where)
			if err != nil {
				return err
			}
			lists := make([][]ConnectionTarget, len(outs))
			for i, lr := range outs {
				if jsonKind(lr) == "null" {
					continue
				}
				ow := fmt.Sprintf("connection from %q %s output %d", src, typ, i)
				targets, err := decodeArray(lr, ow)
				if err != nil {
					return err
				}
				lists[i] = make([]ConnectionTarget, len(targets))
				for j, tr := range targets {
					if err := lists[i][j].decode(tr, fmt.Sprintf("%s target %d", ow, j)); err != nil {
						return err
					}
				}
			}
			nc[typ] = lists
		}
		out[src] = nc
	}
	*c = out
	return nil
}

// MarshalJSON writes the connections object, sources and types in key order.
func (c Connections) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	e := newObjEncoder(fieldState{})
	for _, src := range sortedKeys(c) {
		e.key(src)
		nc := c[src]
		if nc == nil {
			e.buf.WriteString("null")
			continue
		}
		inner := newObjEncoder(fieldState{})
		for _, typ := range sortedKeys(nc) {
			inner.key(typ)
			writeOutputs(inner, nc[typ])
		}
		e.nested(inner.finish())
	}
	return e.finish()
}

// writeOutputs writes the per-output target lists of one connection type.
func writeOutputs(e *objEncoder, outs [][]ConnectionTarget) {
	if outs == nil {
		e.buf.WriteString("null")
		return
	}
	e.buf.WriteByte('[')
	for i, targets := range outs {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		if targets == nil {
			e.buf.WriteString("null")
			continue
		}
		e.buf.WriteByte('[')
		for j := range targets {
			if j > 0 {
				e.buf.WriteByte(',')
			}
			e.nested(targets[j].MarshalJSON())
		}
		e.buf.WriteByte(']')
	}
	e.buf.WriteByte(']')
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// UnmarshalJSON reads one connection target. null leaves t as it is.
func (t *ConnectionTarget) UnmarshalJSON(data []byte) error {
	if jsonKind(data) == "null" {
		return nil
	}
	return t.decode(data, "connection target")
}

// decode reads a connection target; where names it in errors.
func (t *ConnectionTarget) decode(raw []byte, where string) error {
	*t = ConnectionTarget{fields: fieldState{present: tParsed}}
	d, err := newObjDecoder(raw, where, &t.fields)
	if err != nil {
		return err
	}
	for _, e := range []error{
		d.str("node", tNode, &t.Node),
		d.str("type", tType, &t.Type),
		d.integer("index", tIndex, &t.Index),
	} {
		if e != nil {
			return e
		}
	}
	t.Extra = d.extra()
	return nil
}

// MarshalJSON writes the target. A target built in code always gets node,
// type and index, as n8n writes them.
func (t ConnectionTarget) MarshalJSON() ([]byte, error) {
	st := t.fields
	if st.present&tParsed == 0 {
		st.present |= tNode | tType | tIndex
	}
	e := newObjEncoder(st)
	e.str("node", t.Node, tNode)
	e.str("type", t.Type, tType)
	e.integer("index", t.Index, tIndex)
	e.extra(t.Extra, targetKeys)
	return e.finish()
}

// MarshalJSON writes the pinned data, node names in key order.
func (p PinData) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	e := newObjEncoder(fieldState{})
	for _, k := range sortedKeys(p) {
		e.key(k)
		if len(p[k]) == 0 {
			e.fail(fmt.Errorf("pinData for %q: empty raw JSON value", k))
			continue
		}
		e.rawValue(k, p[k])
	}
	return e.finish()
}
