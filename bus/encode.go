package bus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/engine"
)

// Every node task is encoded once by a control plane and every result once
// by a runner. encodeTask and encodeResult write them field by field, as
// encoding/json would (the same document once decoded, encode_test.go
// checks it; raw values go out as they are).

func encodeTask(t *Task) ([]byte, error) {
	// encoding/json refuses a raw value that is not JSON; so does this,
	// rather than publish a message its reader could not read
	if err := checkItemLists("inputs", t.Inputs); err != nil {
		return nil, err
	}
	if err := checkItems("connectionInput", t.ConnectionInput); err != nil {
		return nil, err
	}
	if err := checkRaw("nodeState", t.NodeState); err != nil {
		return nil, err
	}
	if err := checkRaw("staticData", t.StaticData); err != nil {
		return nil, err
	}
	if err := checkRunData(t.RunData); err != nil {
		return nil, err
	}
	size := 256 + len(t.ID) + len(t.ExecutionID) + len(t.Mode) + len(t.PublicURL) + len(t.Workflow) + len(t.Node) +
		api.ItemListsSize(t.Inputs) + api.ItemsSize(t.ConnectionInput) + 96*len(t.Source) +
		len(t.NodeState) + len(t.StaticData) + len(t.PayloadRef)
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.WriteString(`{"id":`)
	api.WriteJSONString(buf, t.ID)
	buf.WriteString(`,"executionId":`)
	api.WriteJSONString(buf, t.ExecutionID)
	writeString(buf, "mode", t.Mode)
	writeString(buf, "publicUrl", t.PublicURL)
	buf.WriteString(`,"workflow":`)
	api.WriteJSONString(buf, t.Workflow)
	buf.WriteString(`,"node":`)
	api.WriteJSONString(buf, t.Node)
	buf.WriteString(`,"inputs":`)
	api.WriteItemLists(buf, t.Inputs)
	if len(t.ConnectionInput) > 0 {
		buf.WriteString(`,"connectionInput":`)
		api.WriteItems(buf, t.ConnectionInput)
	}
	buf.WriteString(`,"runIndex":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(t.RunIndex), 10))
	if t.Try != 0 {
		buf.WriteString(`,"try":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(t.Try), 10))
	}
	if len(t.Source) > 0 {
		buf.WriteString(`,"source":`)
		engine.WriteSourceRefs(buf, t.Source)
	}
	if len(t.RunData) > 0 {
		buf.WriteString(`,"runData":`)
		engine.WriteRunData(buf, t.RunData)
	}
	api.WriteRawField(buf, "nodeState", t.NodeState)
	api.WriteRawField(buf, "staticData", t.StaticData)
	writeString(buf, "payloadRef", t.PayloadRef)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func encodeResult(r *Result) ([]byte, error) {
	if err := checkItemLists("outputs", r.Outputs); err != nil {
		return nil, err
	}
	for _, f := range [...]struct {
		name string
		raw  json.RawMessage
	}{{"nodeState", r.NodeState}, {"response", r.Response}, {"staticData", r.StaticData}} {
		if err := checkRaw(f.name, f.raw); err != nil {
			return nil, err
		}
	}
	if r.SubRun != nil {
		for i, d := range r.SubRun.Documents {
			if err := checkRaw(fmt.Sprintf("subRun.documents[%d]", i), d); err != nil {
				return nil, err
			}
		}
	}
	size := 256 + len(r.ID) + len(r.ExecutionID) + api.ItemListsSize(r.Outputs) + len(r.NodeState) + len(r.Response)
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.WriteString(`{"id":`)
	api.WriteJSONString(buf, r.ID)
	buf.WriteString(`,"executionId":`)
	api.WriteJSONString(buf, r.ExecutionID)
	buf.WriteString(`,"outputs":`)
	api.WriteItemLists(buf, r.Outputs)
	if e := r.Error; e != nil {
		buf.WriteString(`,"error":{"message":`)
		api.WriteJSONString(buf, e.Message)
		writeString(buf, "description", e.Description)
		buf.WriteByte('}')
	}
	api.WriteRawField(buf, "nodeState", r.NodeState)
	if len(r.Logs) > 0 {
		buf.WriteString(`,"logs":[`)
		for i, l := range r.Logs {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(`{"level":`)
			api.WriteJSONString(buf, l.Level)
			buf.WriteString(`,"message":`)
			api.WriteJSONString(buf, l.Message)
			buf.WriteByte('}')
		}
		buf.WriteByte(']')
	}
	api.WriteRawField(buf, "response", r.Response)
	if w := r.Wait; w != nil {
		buf.WriteString(`,"wait":{`)
		sep := ""
		if w.Until != 0 {
			buf.WriteString(`"until":`)
			buf.Write(strconv.AppendInt(buf.AvailableBuffer(), w.Until, 10))
			sep = ","
		}
		if w.Webhook {
			buf.WriteString(sep + `"webhook":true`)
			sep = ","
		}
		if w.Method != "" {
			buf.WriteString(sep + `"method":`)
			api.WriteJSONString(buf, w.Method)
		}
		buf.WriteByte('}')
	}
	api.WriteRawField(buf, "staticData", r.StaticData)
	if sr := r.SubRun; sr != nil {
		buf.WriteString(`,"subRun":{"workflows":`)
		if sr.Workflows == nil {
			buf.WriteString("null")
		} else {
			buf.WriteByte('[')
			for i, id := range sr.Workflows {
				if i > 0 {
					buf.WriteByte(',')
				}
				api.WriteJSONString(buf, id)
			}
			buf.WriteByte(']')
		}
		if sr.Documents != nil {
			buf.WriteString(`,"documents":[`)
			for i, d := range sr.Documents {
				if i > 0 {
					buf.WriteByte(',')
				}
				if len(d) == 0 {
					buf.WriteString("null")
				} else {
					buf.Write(d)
				}
			}
			buf.WriteByte(']')
		}
		buf.WriteString(`,"at":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), sr.At, 10))
		if sr.Each {
			buf.WriteString(`,"each":true`)
		}
		if sr.NoWait {
			buf.WriteString(`,"noWait":true`)
		}
		buf.WriteByte('}')
	}
	if r.StartTime != 0 {
		buf.WriteString(`,"startTime":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), r.StartTime, 10))
	}
	if r.ExecutionTime != 0 {
		buf.WriteString(`,"executionTime":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), r.ExecutionTime, 10))
	}
	writeString(buf, "failure", r.Failure)
	writeString(buf, "runner", r.Runner)
	writeString(buf, "payloadRef", r.PayloadRef)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// checkRaw reports a raw value that is not JSON, naming its field.
func checkRaw(field string, raw json.RawMessage) error {
	if !validOrEmpty(raw) {
		return fmt.Errorf("%s is not JSON", field)
	}
	return nil
}

func validOrEmpty(raw json.RawMessage) bool { return len(raw) == 0 || json.Valid(raw) }

// badItem is the position of the first item whose raw values are not
// JSON, or -1.
func badItem(items []api.Item) int {
	for i, it := range items {
		if !validOrEmpty(it.JSON) || !validOrEmpty(it.Binary) || !validOrEmpty(it.PairedItem) {
			return i
		}
	}
	return -1
}

func checkItems(field string, items []api.Item) error {
	if i := badItem(items); i >= 0 {
		return fmt.Errorf("%s: item %d is not JSON", field, i)
	}
	return nil
}

func checkRunData(m map[string][]engine.TaskData) error {
	for node, runs := range m {
		for r := range runs {
			for typ, lists := range runs[r].Data {
				if err := checkItemLists(fmt.Sprintf("runData[%q][%d].data[%q]", node, r, typ), lists); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkItemLists(field string, lists [][]api.Item) error {
	for k, list := range lists {
		if i := badItem(list); i >= 0 {
			return fmt.Errorf("%s[%d]: item %d is not JSON", field, k, i)
		}
	}
	return nil
}

// writeString writes ,"name":s unless s is empty (omitempty).
func writeString(buf *bytes.Buffer, name, s string) {
	if s == "" {
		return
	}
	buf.WriteString(`,"`)
	buf.WriteString(name)
	buf.WriteString(`":`)
	api.WriteJSONString(buf, s)
}
