package engine

import (
	"bytes"
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
