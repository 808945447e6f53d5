package nodes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes the reference of the node types, generated from
// their specs (docs/nodes.md is this output).
func WriteMarkdown(w io.Writer, specs []Spec) error {
	var b bytes.Buffer
	b.WriteString("# Core nodes\n\n")
	b.WriteString("Generated from the node specs by `weft nodes --markdown` (`make docs`); do not edit.\n")
	b.WriteString("Every node runs inside the core WebAssembly module; `={{ … }}` parameters are resolved\n")
	b.WriteString("per item inside it before the node's code reads them.\n\n")
	b.WriteString("| type | versions | name |\n|---|---|---|\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", s.Type, anchor(s.Type), versions(s.Versions), s.DisplayName)
	}
	for _, s := range specs {
		fmt.Fprintf(&b, "\n## %s\n\n", s.Type)
		fmt.Fprintf(&b, "**%s**, versions %s. %s\n\n", s.DisplayName, versions(s.Versions), s.Description)
		fmt.Fprintf(&b, "Inputs: %s. Outputs: %s.\n", count(s.Inputs, s.Trigger), outputs(s.Outputs))
		if len(s.Parameters) == 0 {
			b.WriteString("\nNo parameters.\n")
			continue
		}
		b.WriteString("\n| parameter | type | default | description |\n|---|---|---|---|\n")
		for _, p := range s.Parameters {
			desc := p.Description
			if len(p.Options) > 0 {
				opts := make([]string, len(p.Options))
				for i, o := range p.Options {
					opts[i] = "`" + optionLabel(o) + "`"
				}
				if desc != "" && !strings.HasSuffix(desc, ".") {
					desc += "."
				}
				desc = strings.TrimSpace(desc + " One of " + strings.Join(opts, ", ") + ".")
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.Name, p.Type, defaultText(p.Default), cell(desc))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func anchor(typ string) string {
	return strings.NewReplacer(".", "", "-", "-").Replace(strings.ToLower(typ))
}

func versions(vs []float64) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(out, ", ")
}

func count(n int, trigger bool) string {
	switch {
	case trigger:
		return "none (trigger)"
	case n < 0:
		return "set by the parameters"
	case n == 0:
		return "1"
	}
	return strconv.Itoa(n)
}

func outputs(n *int) string {
	if n == nil {
		return "set by the parameters"
	}
	return strconv.Itoa(*n)
}

func optionLabel(raw json.RawMessage) string {
	var o struct {
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Value != nil {
		raw = o.Value
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func defaultText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	s := string(raw)
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return "`" + cell(s) + "`"
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
