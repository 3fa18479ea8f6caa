package catalog

import (
	"math"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/date"
)

type rawSet struct {
	Code        string    `yaml:"code"`
	NameVI      string    `yaml:"name_vi"`
	LegalBasis  yaml.Node `yaml:"legal_basis"`
	AppliesFrom string    `yaml:"applies_from"`
	AppliesTo   string    `yaml:"applies_to"`
	TotalMax    yaml.Node `yaml:"total_max_points"`
	Parts       yaml.Node `yaml:"parts"`
	Lines       yaml.Node `yaml:"lines"`
	Sectors     struct {
		Items yaml.Node `yaml:"items"`
	} `yaml:"product_sectors_2019"`
}

// datedDoc is a legal_basis document with its date: the council periods
// name the decision in force at their start from these.
type datedDoc struct {
	doc string
	on  date.Date
}

// setDraft is a catalog entry read but not yet placed among the others: its
// end may come from the next set's start.
type setDraft struct {
	src   source
	fsIdx int
	path  string
	set   *Set
	docs  []datedDoc
}

// syntheticPrefix + a set's code is the top-level key of its test sheet.
const syntheticPrefix = "synthetic_sheet_"

func (f source) readSet(n *yaml.Node, path string, root *yaml.Node, fsIdx int) (*setDraft, error) {
	var r rawSet
	if err := f.Decode(n, path, &r); err != nil {
		return nil, err
	}
	d := &setDraft{src: f, fsIdx: fsIdx, path: path}
	s := &Set{Code: r.Code, Name: r.NameVI}
	if s.Code == "" {
		return nil, f.Errf(key(path, "code"), n, "missing")
	}
	if s.Name == "" {
		return nil, f.Errf(key(path, "name_vi"), n, "missing")
	}
	var err error
	if s.Valid.From, err = f.Date(key(path, "applies_from"), r.AppliesFrom, true); err != nil {
		return nil, err
	}
	if s.Valid.To, err = f.lastDay(key(path, "applies_to"), r.AppliesTo); err != nil {
		return nil, err
	}
	if !s.Valid.To.IsZero() && !s.Valid.From.Before(s.Valid.To) {
		return nil, f.Errf(key(path, "applies_to"), n, "%s is before applies_from %s", r.AppliesTo, r.AppliesFrom)
	}
	if s.LegalBasis, d.docs, err = f.legalBasis(&r.LegalBasis, key(path, "legal_basis")); err != nil {
		return nil, err
	}
	if s.TotalMax, err = f.positive(&r.TotalMax, key(path, "total_max_points")); err != nil {
		return nil, err
	}
	if s.Parts, err = f.parts(&r.Parts, key(path, "parts"), s.TotalMax); err != nil {
		return nil, err
	}
	if s.Sectors, err = f.groups(&r.Sectors.Items, key(path, "product_sectors_2019.items"), false); err != nil {
		return nil, err
	}
	if err := f.sheet(s, &r.Lines, key(path, "lines"), lookup(root, syntheticPrefix+s.Code)); err != nil {
		return nil, err
	}
	d.set = s
	return d, nil
}

// lookup is the value of key k of the mapping n, or nil.
func lookup(n *yaml.Node, k string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if deref(n.Content[i]).Value == k {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// legalBasis reads a list of documents: plain strings, or mappings with
// `doc` and an optional `date`.
func (f source) legalBasis(n *yaml.Node, path string) ([]string, []datedDoc, error) {
	items, err := f.items(n, path)
	if err != nil {
		return nil, nil, err
	}
	var docs []string
	var dated []datedDoc
	for i, it := range items {
		p := index(path, i)
		if it.Kind == yaml.ScalarNode {
			docs = append(docs, it.Value)
			continue
		}
		var e struct {
			Doc  string `yaml:"doc"`
			Date string `yaml:"date"`
		}
		if err := f.Decode(it, p, &e); err != nil {
			return nil, nil, err
		}
		if e.Doc == "" {
			return nil, nil, f.Errf(key(p, "doc"), it, "missing")
		}
		docs = append(docs, e.Doc)
		on, err := f.Date(key(p, "date"), e.Date, false)
		if err != nil {
			return nil, nil, err
		}
		if !on.IsZero() {
			dated = append(dated, datedDoc{doc: e.Doc, on: on})
		}
	}
	return docs, dated, nil
}

// parts reads the parts; their maxima must add up to the total.
func (f source) parts(n *yaml.Node, path string, total float64) ([]Part, error) {
	items, err := f.items(n, path)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, f.Errf(path, n, "missing")
	}
	var out []Part
	sum := 0.0
	for i, it := range items {
		p := index(path, i)
		if err := f.known(it, p, "code", "name_vi", "name_en", "max_points", "confirmed", "sources", "sub_groups_vi", "note"); err != nil {
			return nil, err
		}
		var r struct {
			Code      string    `yaml:"code"`
			NameVI    string    `yaml:"name_vi"`
			NameEN    string    `yaml:"name_en"`
			Max       yaml.Node `yaml:"max_points"`
			Confirmed bool      `yaml:"confirmed"`
		}
		if err := f.Decode(it, p, &r); err != nil {
			return nil, err
		}
		if r.Code == "" {
			return nil, f.Errf(key(p, "code"), it, "missing")
		}
		for _, o := range out {
			if o.Code == r.Code {
				return nil, f.Errf(key(p, "code"), it, "part %q appears twice", r.Code)
			}
		}
		if r.NameVI == "" {
			return nil, f.Errf(key(p, "name_vi"), it, "missing")
		}
		max, err := f.positive(&r.Max, key(p, "max_points"))
		if err != nil {
			return nil, err
		}
		sum += max
		out = append(out, Part{Code: r.Code, Name: r.NameVI, NameEN: r.NameEN, MaxPoints: max, Confirmed: r.Confirmed})
	}
	if !same(sum, total) {
		return nil, f.Errf(path, n, "the part maxima add up to %v, not total_max_points %v", sum, total)
	}
	return out, nil
}

// same compares sums of points read from decimal text (35 + 25 + 40).
func same(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
