package webhook

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// parseXML turns an XML document into the value n8n's body parser makes of
// it with xml2js (options normalize, normalizeTags, explicitArray false):
// {root: element}, where an element with only text is that text, an empty
// one is "", attributes go under "$", text mixed with attributes or
// children under "_", and repeated children become lists. A document of
// whitespace only is nil (xml2js answers null).
func parseXML(text string) (any, error) {
	if strings.TrimFunc(text, isJSSpace) == "" {
		return nil, nil
	}
	type frame struct {
		name string
		obj  *object
		text strings.Builder
	}
	d := xml.NewDecoder(strings.NewReader(text))
	d.Strict = true
	var stack []*frame
	var root any
	closed := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if closed {
				return nil, errors.New("text data outside of root node")
			}
			f := &frame{name: strings.ToLower(qname(t.Name)), obj: newObject()}
			if len(t.Attr) > 0 {
				attrs := newObject()
				for _, a := range t.Attr {
					name := qname(a.Name)
					if _, dup := attrs.get(name); dup {
						return nil, fmt.Errorf("attribute %q is repeated", name)
					}
					attrs.set(name, a.Value)
				}
				f.obj.set("$", attrs)
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("unexpected close tag </%s>", qname(t.Name))
			}
			f := stack[len(stack)-1]
			if name := strings.ToLower(qname(t.Name)); name != f.name {
				return nil, fmt.Errorf("unexpected close tag </%s> in <%s>", qname(t.Name), f.name)
			}
			stack = stack[:len(stack)-1]
			var v any = f.obj
			s := f.text.String()
			if strings.TrimFunc(s, isJSSpace) == "" {
				if f.obj.len() == 0 {
					v = s
				}
			} else {
				s = strings.TrimFunc(collapseSpace(s), isJSSpace)
				if f.obj.len() == 0 {
					v = s
				} else {
					// xml2js creates the "_" key first, so it stays first.
					f.obj.keys = append([]string{"_"}, f.obj.keys...)
					f.obj.vals["_"] = s
				}
			}
			if len(stack) == 0 {
				o := newObject()
				o.set(f.name, v)
				root, closed = o, true
				continue
			}
			stack[len(stack)-1].obj.add(f.name, v)
		case xml.CharData:
			if len(stack) == 0 {
				if strings.TrimFunc(string(t), isJSSpace) != "" {
					if closed {
						return nil, errors.New("text data outside of root node")
					}
					return nil, errors.New("non-whitespace before first tag")
				}
				continue
			}
			f := stack[len(stack)-1]
			f.text.Write(t)
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("unclosed root tag <%s>", stack[0].name)
	}
	if root == nil {
		return nil, errors.New("the document has no root element")
	}
	return root, nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// collapseSpace replaces runs of two or more whitespace characters by one
// space (xml2js's normalize: /\s{2,}/g).
func collapseSpace(s string) string {
	var b strings.Builder
	var first rune
	run := 0
	flush := func() {
		switch {
		case run == 1:
			b.WriteRune(first)
		case run > 1:
			b.WriteByte(' ')
		}
		run = 0
	}
	for _, r := range s {
		if isJSSpace(r) {
			if run == 0 {
				first = r
			}
			run++
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// isJSSpace reports whether r is whitespace for JavaScript's \s and trim().
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A || unicode.Is(unicode.Zs, r)
}
