package webhook

import (
	"testing"
)

func TestParseXML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"repeated children become lists, tags lower case",
			`<Root><A>1</A><a>2</a><B x="y" Z="w">t</B><c/><d>  </d></Root>`,
			`{"root":{"a":["1","2"],"b":{"_":"t","$":{"x":"y","Z":"w"}},"c":"","d":"  "}}`},
		{"mixed text is collected, runs of spaces collapse, ends trimmed",
			"<p>\n  hello <b>big</b>   world\n</p>",
			`{"p":{"_":"hello world","b":"big"}}`},
		{"a single newline inside text stays", "<a>line1\nline2</a>", `{"a":"line1\nline2"}`},
		{"attributes only", `<item id="1" />`, `{"item":{"$":{"id":"1"}}}`},
		{"children with whitespace between them", "<a>\n  <b>1</b>\n  <c>2</c>\n</a>", `{"a":{"b":"1","c":"2"}}`},
		{"declaration, comments and doctype are ignored",
			`<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE note><!-- c --><note><to>Tove</to><!-- x --></note>`,
			`{"note":{"to":"Tove"}}`},
		{"entities and CDATA", `<a>&lt;&amp;&#233; <![CDATA[ <raw> ]]></a>`, `{"a":"<&é <raw>"}`},
		{"prefixed names are kept as written", `<x:Doc xmlns:x="urn:x"><x:Id>7</x:Id></x:Doc>`, `{"x:doc":{"$":{"xmlns:x":"urn:x"},"x:id":"7"}}`},
		{"nested lists of objects", `<r><i><n>a</n></i><i><n>b</n></i></r>`, `{"r":{"i":[{"n":"a"},{"n":"b"}]}}`},
		{"whitespace around the root", "\n <r>1</r> \n", `{"r":"1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseXML(tt.in)
			if err != nil {
				t.Fatalf("parseXML: %v", err)
			}
			if got := string(marshal(v)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseXML_empty(t *testing.T) {
	v, err := parseXML(" \n\t ")
	if err != nil || v != nil {
		t.Fatalf("whitespace-only document: %v, %v; want nil, nil", v, err)
	}
}

func TestParseXML_errors(t *testing.T) {
	for _, in := range []string{
		`<a>`,
		`<a></b>`,
		`hello`,
		`<a/><b/>`,
		`<a/>text`,
		`<a x="1" x="2"/>`,
		`<a>&nbsp;</a>`,
		`<a><b></a></b>`,
		`</a>`,
	} {
		if v, err := parseXML(in); err == nil {
			t.Errorf("parseXML(%q) = %s, want an error", in, marshal(v))
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	for in, want := range map[string]string{
		"a  b":           "a b",
		"a\n\tb":         "a b",
		"a\nb":           "a\nb",
		"  a   b   ":     " a b ",
		"a\u00a0\u00a0b": "a b",
	} {
		if got := collapseSpace(in); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
	}
}
