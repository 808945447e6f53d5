package engine

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/weftrun/weft/api"
)

// WriteSourceRefs writes source references as encoding/json writes them
// (the same document once decoded): null for a nil list and for a nil
// reference.
func WriteSourceRefs(buf *bytes.Buffer, refs []*SourceRef) {
	if refs == nil {
		buf.WriteString("null")
		return
	}
	buf.WriteByte('[')
	for i, r := range refs {
		if i > 0 {
			buf.WriteByte(',')
		}
		if r == nil {
			buf.WriteString("null")
			continue
		}
		buf.WriteString(`{"previousNode":`)
		api.WriteJSONString(buf, r.PreviousNode)
		buf.WriteString(`,"previousNodeOutput":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(r.PreviousNodeOutput), 10))
		buf.WriteString(`,"previousNodeRun":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(r.PreviousNodeRun), 10))
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
}

// WriteRunData writes run data as encoding/json writes it (the same
// document once decoded; node names and output types in key order, raw
// item values as they are, not compacted again: items are JSON by the
// time they reach run data, checked where they came in): null for a nil
// map. Every execution's outcome is written this way.
func WriteRunData(buf *bytes.Buffer, m map[string][]TaskData) {
	api.WriteObject(buf, m, writeRuns)
}

// writeRuns writes a node's runs: null for a nil list.
func writeRuns(buf *bytes.Buffer, runs []TaskData) {
	if runs == nil {
		buf.WriteString("null")
		return
	}
	buf.WriteByte('[')
	for j := range runs {
		if j > 0 {
			buf.WriteByte(',')
		}
		runs[j].writeJSON(buf)
	}
	buf.WriteByte(']')
}

// RunDataJSON is run data as WriteRunData writes it, in a buffer sized
// once.
func RunDataJSON(m map[string][]TaskData) json.RawMessage {
	b := bytes.NewBuffer(make([]byte, 0, RunDataSize(m)))
	WriteRunData(b, m)
	return b.Bytes()
}

// RunDataSize is about what WriteRunData writes, so that a buffer can be
// sized once.
func RunDataSize(m map[string][]TaskData) int {
	n := 2
	for name, runs := range m {
		n += len(name) + 8
		for j := range runs {
			n += 160
			for _, lists := range runs[j].Data {
				n += api.ItemListsSize(lists) + 12
			}
		}
	}
	return n
}

// writeJSON writes one run as encoding/json writes a TaskData.
func (t *TaskData) writeJSON(buf *bytes.Buffer) {
	buf.WriteString(`{"startTime":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), t.StartTime, 10))
	buf.WriteString(`,"executionIndex":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(t.ExecutionIndex), 10))
	buf.WriteString(`,"executionTime":`)
	buf.Write(strconv.AppendInt(buf.AvailableBuffer(), t.ExecutionTime, 10))
	buf.WriteString(`,"executionStatus":`)
	api.WriteJSONString(buf, t.ExecutionStatus)
	if len(t.Data) > 0 {
		buf.WriteString(`,"data":`)
		api.WriteObject(buf, t.Data, api.WriteItemLists)
	}
	if e := t.Error; e != nil {
		buf.WriteString(`,"error":{"message":`)
		api.WriteJSONString(buf, e.Message)
		if e.Description != "" {
			buf.WriteString(`,"description":`)
			api.WriteJSONString(buf, e.Description)
		}
		buf.WriteByte('}')
	}
	buf.WriteString(`,"source":`)
	WriteSourceRefs(buf, t.Source)
	buf.WriteByte('}')
}
