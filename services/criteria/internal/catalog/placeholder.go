package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PlaceholderNote marks the indicators built from indicators_placeholder.
const PlaceholderNote = "placeholder: replace with Appendix I of 51/2025/QĐ-TTg; name_vi is a rendering, not the legal wording"

type rawPlaceholder struct {
	Rule         string `yaml:"synthetic_default_rule"`
	PerCriterion map[string]struct {
		Count   int      `yaml:"count"`
		NamesVI []string `yaml:"names_vi"`
		NamesEN []string `yaml:"names_en"`
	} `yaml:"per_criterion"`
}

// placeholders builds the 2026-2030 indicators, which the file only gives as
// counts and names per criterion (the legal Appendix I was not read): the
// Vietnamese name (names_vi, what offices read) and the English one
// (names_en), position by position. Codes are "<criterion>.<n>"; every one
// is an unconfirmed percent with a synthetic threshold per commune group; an
// English name with "poverty rate" is a ceiling. The values come from the
// file's synthetic_default_rule, not from Go.
func (f source) placeholders(n *yaml.Node, path string, dim Dimension, groups []string) (map[string][]Indicator, error) {
	var raw rawPlaceholder
	if err := f.Decode(n, path, &raw); err != nil {
		return nil, err
	}
	if dim != DimCommuneGroup {
		return nil, f.Errf(path, n, "placeholders are only supported for commune-group sets")
	}
	rulePath := key(path, "synthetic_default_rule")
	atLeast, atMost, err := parsePlaceholderRule(raw.Rule)
	if err != nil {
		return nil, f.Errf(rulePath, n, "%v", err)
	}
	for _, m := range []map[string]float64{atLeast, atMost} {
		for g := range m {
			if !slices.Contains(groups, g) {
				return nil, f.Errf(rulePath, n, "unknown commune group %q", g)
			}
		}
	}
	out := map[string][]Indicator{}
	for crit, pc := range raw.PerCriterion {
		p := key(key(path, "per_criterion"), crit)
		for _, names := range []struct {
			field string
			list  []string
		}{{"names_vi", pc.NamesVI}, {"names_en", pc.NamesEN}} {
			if pc.Count != len(names.list) {
				return nil, f.Errf(key(p, "count"), n, "%d but %s has %d names", pc.Count, names.field, len(names.list))
			}
			if i := slices.Index(names.list, ""); i >= 0 {
				return nil, f.Errf(index(key(p, names.field), i), n, "empty name")
			}
		}
		for i, nameEN := range pc.NamesEN {
			ind := Indicator{
				Code: fmt.Sprintf("%s.%d", crit, i+1), Name: pc.NamesVI[i], NameEN: nameEN,
				Kind: KindPercent, Op: OpAtLeast, Unit: "%", Note: PlaceholderNote,
			}
			values := atLeast
			if strings.Contains(strings.ToLower(nameEN), "poverty rate") {
				ind.Op, values = OpAtMost, atMost
			}
			ind.Thresholds = groupRows(values)
			out[crit] = append(out[crit], ind)
		}
	}
	return out, nil
}

func groupRows(values map[string]float64) []Threshold {
	keys := make([]string, 0, len(values))
	for g := range values {
		keys = append(keys, g)
	}
	sort.Strings(keys)
	rows := make([]Threshold, 0, len(keys))
	for _, g := range keys {
		rows = append(rows, Threshold{Scope: g, Value: values[g], Source: SourceSynthetic})
	}
	return rows
}

// parsePlaceholderRule reads the two by_group maps out of a rule sentence whose
// clauses are separated by ";" and carry YAML flow mappings:
// "percent indicators: by_group {'1': 95, ...}; '<=' indicators (poverty): {'1': 1, ...}; booleans: true".
func parsePlaceholderRule(rule string) (atLeast, atMost map[string]float64, err error) {
	for clause := range strings.SplitSeq(rule, ";") {
		i, j := strings.Index(clause, "{"), strings.LastIndex(clause, "}")
		if i < 0 || j < i {
			continue
		}
		var m map[string]float64
		if err := yaml.Unmarshal([]byte(clause[i:j+1]), &m); err != nil {
			return nil, nil, fmt.Errorf("%q: %v", strings.TrimSpace(clause), err)
		}
		switch head := clause[:i]; {
		case strings.Contains(head, "<="):
			atMost = m
		case strings.Contains(head, "percent"):
			atLeast = m
		}
	}
	if atLeast == nil || atMost == nil {
		return nil, nil, fmt.Errorf("needs a \"percent ... {group: value}\" clause and a \"'<=' ... {group: value}\" clause")
	}
	return atLeast, atMost, nil
}
