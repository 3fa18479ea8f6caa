package catalog

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/yamlsrc"
)

// Schema is the schema name of the files the loader reads.
const Schema = "ntm-funding-catalog/v1"

// codePattern is what a source, purpose or set code looks like: codes travel
// in URLs and spreadsheets, so no spaces or diacritics.
var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,49}$`)

// Load reads every *.yaml and *.yml file at the root of each fsys, all of
// schema ntm-funding-catalog/v1. An entry from a later fsys replaces the one
// with the same code from an earlier fsys (a new code is appended), so the
// service passes the shipped catalog first and a province's directory after
// it. Within one fsys a code may appear once. Errors name the file, the key
// and the line.
func Load(fsyss ...fs.FS) (*Catalog, error) {
	var l loader
	for i, fsys := range fsyss {
		err := yamlsrc.ReadDir(fsys, func(f yamlsrc.File, data []byte) error { return l.readFile(i, f, data) })
		if err != nil {
			return nil, err
		}
	}
	return l.build()
}

// entry is a loaded item with where it came from.
type entry[T any] struct {
	code  string
	val   T
	fsIdx int
	file  string
}

// entries keeps items in first-seen order; a later fsys replaces in place.
type entries[T any] []entry[T]

func (es *entries[T]) put(f yamlsrc.File, path string, n *yaml.Node, fsIdx int, code string, v T) error {
	i := slices.IndexFunc(*es, func(e entry[T]) bool { return e.code == code })
	switch {
	case i < 0:
		*es = append(*es, entry[T]{code, v, fsIdx, f.Name})
	case (*es)[i].fsIdx == fsIdx:
		return f.Errf(path, n, "%s is also defined in %s", code, (*es)[i].file)
	default:
		(*es)[i] = entry[T]{code, v, fsIdx, f.Name}
	}
	return nil
}

func (es entries[T]) values() []T {
	out := make([]T, len(es))
	for i, e := range es {
		out[i] = e.val
	}
	return out
}

type loader struct {
	sources  entries[Source]
	sets     entries[CriteriaSet]
	purposes entries[Purpose]
	// linkAt is where each purpose's link to a set was read ("PURPOSE/SET"),
	// to name it when the set turns out not to exist.
	linkAt map[string]place
}

type place struct {
	f    yamlsrc.File
	path string
	n    *yaml.Node
}

type rawFile struct {
	Schema       string    `yaml:"schema"`
	Sources      yaml.Node `yaml:"sources"`
	CriteriaSets yaml.Node `yaml:"criteria_sets"`
	Purposes     yaml.Node `yaml:"purposes"`
}

type rawSource struct {
	Code         string `yaml:"code"`
	Name         string `yaml:"name"`
	Kind         Kind   `yaml:"kind"`
	QuantityUnit string `yaml:"quantity_unit"`
	FromYear     int    `yaml:"from_year"`
	ToYear       int    `yaml:"to_year"`
	Confirmed    *bool  `yaml:"confirmed"`
}

type rawSet struct {
	Code      string `yaml:"code"`
	Name      string `yaml:"name"`
	FromYear  int    `yaml:"from_year"`
	ToYear    int    `yaml:"to_year"`
	Confirmed *bool  `yaml:"confirmed"`
}

type rawPurpose struct {
	Code     string    `yaml:"code"`
	Name     string    `yaml:"name"`
	Criteria yaml.Node `yaml:"criteria"`
}

func (l *loader) readFile(fsIdx int, f yamlsrc.File, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f.Errf("", nil, "%v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return f.Errf("", nil, "empty file")
	}
	root := yamlsrc.Deref(doc.Content[0])
	var raw rawFile
	if err := f.DecodeStrict(root, "", &raw); err != nil {
		return err
	}
	if raw.Schema != Schema {
		return f.Errf("schema", root, "%q is not %s", raw.Schema, Schema)
	}
	if err := f.EachItem(&raw.Sources, "sources", func(path string, n *yaml.Node) error {
		s, err := readSource(f, path, n)
		if err != nil {
			return err
		}
		return l.sources.put(f, yamlsrc.Key(path, "code"), n, fsIdx, s.Code, s)
	}); err != nil {
		return err
	}
	if err := f.EachItem(&raw.CriteriaSets, "criteria_sets", func(path string, n *yaml.Node) error {
		s, err := readSet(f, path, n)
		if err != nil {
			return err
		}
		return l.sets.put(f, yamlsrc.Key(path, "code"), n, fsIdx, s.Code, s)
	}); err != nil {
		return err
	}
	return f.EachItem(&raw.Purposes, "purposes", func(path string, n *yaml.Node) error {
		p, err := l.readPurpose(f, path, n)
		if err != nil {
			return err
		}
		return l.purposes.put(f, yamlsrc.Key(path, "code"), n, fsIdx, p.Code, p)
	})
}

func readSource(f yamlsrc.File, path string, n *yaml.Node) (Source, error) {
	var r rawSource
	if err := f.DecodeStrict(n, path, &r); err != nil {
		return Source{}, err
	}
	if err := checkCodeName(f, path, n, r.Code, r.Name); err != nil {
		return Source{}, err
	}
	switch r.Kind {
	case Money:
		if r.QuantityUnit != "" {
			return Source{}, f.Errf(yamlsrc.Key(path, "quantity_unit"), n, "a MONEY source is counted in VND")
		}
	case InKind:
		if r.QuantityUnit == "" {
			return Source{}, f.Errf(yamlsrc.Key(path, "quantity_unit"), n, "missing: goods need their unit")
		}
	default:
		return Source{}, f.Errf(yamlsrc.Key(path, "kind"), n, "%q is not MONEY or IN_KIND", r.Kind)
	}
	if err := checkYears(f, path, n, r.FromYear, r.ToYear, false); err != nil {
		return Source{}, err
	}
	return Source{Code: r.Code, Name: r.Name, Kind: r.Kind, QuantityUnit: r.QuantityUnit,
		FromYear: r.FromYear, ToYear: r.ToYear, Confirmed: confirmed(r.Confirmed)}, nil
}

func readSet(f yamlsrc.File, path string, n *yaml.Node) (CriteriaSet, error) {
	var r rawSet
	if err := f.DecodeStrict(n, path, &r); err != nil {
		return CriteriaSet{}, err
	}
	if err := checkCodeName(f, path, n, r.Code, r.Name); err != nil {
		return CriteriaSet{}, err
	}
	if err := checkYears(f, path, n, r.FromYear, r.ToYear, true); err != nil {
		return CriteriaSet{}, err
	}
	return CriteriaSet{Code: r.Code, Name: r.Name, FromYear: r.FromYear, ToYear: r.ToYear, Confirmed: confirmed(r.Confirmed)}, nil
}

// readPurpose reads a purpose; its criteria map each set code to
// [criterion code, criterion name] or [code, name, confirmed].
func (l *loader) readPurpose(f yamlsrc.File, path string, n *yaml.Node) (Purpose, error) {
	var r rawPurpose
	if err := f.DecodeStrict(n, path, &r); err != nil {
		return Purpose{}, err
	}
	if err := checkCodeName(f, path, n, r.Code, r.Name); err != nil {
		return Purpose{}, err
	}
	p := Purpose{Code: r.Code, Name: r.Name}
	if yamlsrc.IsNull(&r.Criteria) {
		return p, nil
	}
	m := yamlsrc.Deref(&r.Criteria)
	cpath := yamlsrc.Key(path, "criteria")
	if m.Kind != yaml.MappingNode {
		return Purpose{}, f.Errf(cpath, m, "expected a map of criteria set codes")
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		set, v := yamlsrc.Deref(m.Content[i]).Value, yamlsrc.Deref(m.Content[i+1])
		lpath := yamlsrc.Key(cpath, set)
		var tuple []any
		if err := f.Decode(v, lpath, &tuple); err != nil {
			return Purpose{}, err
		}
		link, ok := linkOf(set, tuple)
		if !ok {
			return Purpose{}, f.Errf(lpath, v, "expected [criterion code, criterion name] or [code, name, confirmed]")
		}
		if l.linkAt == nil {
			l.linkAt = map[string]place{}
		}
		l.linkAt[p.Code+"/"+set] = place{f, lpath, v}
		p.Criteria = append(p.Criteria, link)
	}
	return p, nil
}

func linkOf(set string, tuple []any) (CriterionLink, bool) {
	if len(tuple) < 2 || len(tuple) > 3 {
		return CriterionLink{}, false
	}
	code, ok1 := tuple[0].(string)
	name, ok2 := tuple[1].(string)
	link := CriterionLink{Set: set, Code: code, Name: name, Confirmed: true}
	if len(tuple) == 3 {
		c, ok := tuple[2].(bool)
		if !ok {
			return CriterionLink{}, false
		}
		link.Confirmed = c
	}
	return link, ok1 && ok2 && code != "" && name != ""
}

// build checks what spans files: criteria sets do not overlap, and every
// purpose's set exists.
func (l *loader) build() (*Catalog, error) {
	c := newCatalog(l.sources.values(), l.purposes.values(), l.sets.values())
	if len(c.Sources) == 0 || len(c.Purposes) == 0 {
		return nil, fmt.Errorf("funding catalog: no sources or no purposes loaded")
	}
	for i, a := range c.CriteriaSets {
		for _, b := range c.CriteriaSets[i+1:] {
			if a.FromYear <= b.ToYear && b.FromYear <= a.ToYear {
				return nil, fmt.Errorf("funding catalog: criteria sets %s and %s both cover years %d-%d",
					a.Code, b.Code, max(a.FromYear, b.FromYear), min(a.ToYear, b.ToYear))
			}
		}
	}
	for _, p := range c.Purposes {
		for _, link := range p.Criteria {
			if !slices.ContainsFunc(c.CriteriaSets, func(s CriteriaSet) bool { return s.Code == link.Set }) {
				at := l.linkAt[p.Code+"/"+link.Set]
				return nil, at.f.Errf(at.path, at.n, "no criteria set %s in the catalog", link.Set)
			}
		}
	}
	return c, nil
}

func checkCodeName(f yamlsrc.File, path string, n *yaml.Node, code, name string) error {
	if !codePattern.MatchString(code) {
		return f.Errf(yamlsrc.Key(path, "code"), n, "%q is not a code (capitals, digits and _)", code)
	}
	if name == "" {
		return f.Errf(yamlsrc.Key(path, "name"), n, "missing")
	}
	return nil
}

func checkYears(f yamlsrc.File, path string, n *yaml.Node, from, to int, required bool) error {
	for _, y := range []struct {
		key  string
		year int
	}{{"from_year", from}, {"to_year", to}} {
		if (y.year == 0 && required) || (y.year != 0 && (y.year < 2010 || y.year > 2100)) {
			return f.Errf(yamlsrc.Key(path, y.key), n, "%d is not a year from 2010 to 2100", y.year)
		}
	}
	if from != 0 && to != 0 && from > to {
		return f.Errf(yamlsrc.Key(path, "to_year"), n, "%d is before from_year %d", to, from)
	}
	return nil
}

func confirmed(b *bool) bool { return b == nil || *b }
