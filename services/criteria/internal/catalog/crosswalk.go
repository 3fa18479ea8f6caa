package catalog

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// Rule is how the older criteria of a mapping stand for the newer one.
type Rule string

const (
	// RuleAllOf: the newer criterion is met where every older one was.
	RuleAllOf Rule = "all_of"
	// RuleAnyOf: the newer criterion is met where any older one was.
	RuleAnyOf Rule = "any_of"
	// RulePartly: the older criteria (all of them met) cover only part of
	// the newer one's content, or more than it; a figure so counted is an
	// approximation and says so.
	RulePartly Rule = "partly"
)

// Mapping says which criteria of the older set stand for one criterion of
// the newer set. No From means nothing does: a trend shows that criterion as
// missing before the newer set, never as zero.
type Mapping struct {
	To   string   // criterion code of the newer set
	From []string // criterion codes of the older set
	// Indicators of the From criteria that carry the newer content; only
	// documentation for people, since the figures count criteria verdicts
	// (a verdict covers all of its criterion's indicators, hence rule partly).
	Indicators []string
	Rule       Rule
	Confirmed  bool
	Note       string
}

// Crosswalk maps the criteria of a set onto those of the set that
// superseded it; each criterion of the newer set has exactly one Mapping.
type Crosswalk struct {
	FromSet, ToSet string
	Mappings       []Mapping // in the order of the newer set's criteria
}

// Mapping returns the mapping of the newer criterion code.
func (x *Crosswalk) Mapping(to string) (*Mapping, bool) {
	i := slices.IndexFunc(x.Mappings, func(m Mapping) bool { return m.To == to })
	if i < 0 {
		return nil, false
	}
	return &x.Mappings[i], true
}

// Crosswalks lists the loaded crosswalks by newer set code.
func (c *Catalog) Crosswalks() []*Crosswalk { return c.crosswalks }

// CrosswalkTo returns the crosswalk from fromSet onto toSet (national codes).
func (c *Catalog) CrosswalkTo(fromSet, toSet string) (*Crosswalk, bool) {
	for _, x := range c.crosswalks {
		if x.FromSet == fromSet && x.ToSet == toSet {
			return x, true
		}
	}
	return nil, false
}

// SchemaCrosswalk is the schema of a crosswalk file (crosswalk-*.yaml); a
// later fsys's file for the same pair of sets replaces the earlier one:
//
//	schema: ntm-criteria-crosswalk/v1
//	from_set: NTM_COMMUNE_2021_2025
//	to_set: NTM_COMMUNE_2026_2030
//	mappings:                      # one per criterion of to_set
//	  - {to: "2", from: ["2", "3"], rule: all_of, confirmed: false, note: "..."}
//	  - {to: "10", from: ["18", "19"], indicators: ["18.4"], rule: partly, confirmed: false}
//	  - {to: "7", from: [], note: "new content: no older counterpart"}
const SchemaCrosswalk = "ntm-criteria-crosswalk/v1"

type rawMapping struct {
	To         string   `yaml:"to"`
	From       []string `yaml:"from"`
	Indicators []string `yaml:"indicators"`
	Rule       string   `yaml:"rule"`
	Confirmed  bool     `yaml:"confirmed"`
	Note       string   `yaml:"note"`
}

// crosswalkEntry is a crosswalk read from a file, checked against the sets
// once they are all loaded (checkCrosswalk).
type crosswalkEntry struct {
	origin
	x Crosswalk
	// paths of each mapping, for errors found against the sets.
	paths []string
}

func (f source) readCrosswalk(root *yaml.Node, fsIdx int) (crosswalkEntry, error) {
	var doc struct {
		Schema   string    `yaml:"schema"`
		FromSet  string    `yaml:"from_set"`
		ToSet    string    `yaml:"to_set"`
		Note     string    `yaml:"note"`
		Mappings yaml.Node `yaml:"mappings"`
	}
	e := crosswalkEntry{origin: origin{src: f, fsIdx: fsIdx}}
	if err := f.DecodeStrict(root, "", &doc); err != nil {
		return e, err
	}
	for _, kv := range [][2]string{{"from_set", doc.FromSet}, {"to_set", doc.ToSet}} {
		if kv[1] == "" {
			return e, f.Errf(kv[0], root, "missing")
		}
	}
	e.x = Crosswalk{FromSet: doc.FromSet, ToSet: doc.ToSet}
	err := f.EachItem(&doc.Mappings, "mappings", func(path string, n *yaml.Node) error {
		m, err := f.mapping(n, path)
		if err != nil {
			return err
		}
		e.x.Mappings = append(e.x.Mappings, m)
		e.paths = append(e.paths, path)
		return nil
	})
	return e, err
}

func (f source) mapping(n *yaml.Node, path string) (Mapping, error) {
	var raw rawMapping
	if err := f.DecodeStrict(n, path, &raw); err != nil {
		return Mapping{}, err
	}
	m := Mapping{To: raw.To, From: raw.From, Indicators: raw.Indicators, Rule: Rule(raw.Rule), Confirmed: raw.Confirmed, Note: raw.Note}
	if m.To == "" {
		return m, f.Errf(key(path, "to"), n, "missing")
	}
	if len(m.From) == 0 {
		// Nothing stands for the criterion: a rule or a confirmation would
		// claim a counting that cannot happen.
		if m.Rule != "" || m.Confirmed || len(m.Indicators) > 0 {
			return m, f.Errf(path, n, "a mapping without `from` has no rule, indicators or confirmation")
		}
		if m.Note == "" {
			return m, f.Errf(key(path, "note"), n, "missing: say why no older criterion stands for %s", m.To)
		}
		return m, nil
	}
	switch m.Rule {
	case RuleAllOf, RuleAnyOf, RulePartly:
	case "":
		return m, f.Errf(key(path, "rule"), n, "missing (all_of, any_of or partly)")
	default:
		return m, f.Errf(key(path, "rule"), n, "%q is not all_of, any_of or partly", raw.Rule)
	}
	if len(m.Indicators) > 0 && m.Rule != RulePartly {
		return m, f.Errf(key(path, "rule"), n, "a mapping of some indicators counts whole criteria verdicts: its rule is partly")
	}
	return m, nil
}

// checkCrosswalk checks e against the loaded national sets: both exist and
// assess the same type of unit, every criterion and indicator named exists,
// and each criterion of the newer set is mapped exactly once.
func (e crosswalkEntry) checkCrosswalk(c *Catalog) error {
	from, ok := c.nationalSet(e.x.FromSet)
	if !ok {
		return e.src.Errf("from_set", nil, "no national set %q is loaded", e.x.FromSet)
	}
	to, ok := c.nationalSet(e.x.ToSet)
	if !ok {
		return e.src.Errf("to_set", nil, "no national set %q is loaded", e.x.ToSet)
	}
	if from.UnitType != to.UnitType {
		return e.src.Errf("to_set", nil, "%s assesses %s units and %s %s units", from.Code, from.UnitType, to.Code, to.UnitType)
	}
	if !from.Valid.From.Before(to.Valid.From) {
		return e.src.Errf("from_set", nil, "%s does not start before %s: a crosswalk maps an older set onto a newer one", from.Code, to.Code)
	}
	seen := map[string]string{}
	for i, m := range e.x.Mappings {
		path := e.paths[i]
		if _, _, ok := to.Criterion(m.To); !ok {
			return e.src.Errf(key(path, "to"), nil, "%s has no criterion %q", to.Code, m.To)
		}
		if prev, ok := seen[m.To]; ok {
			return e.src.Errf(key(path, "to"), nil, "criterion %s is also mapped at %s", m.To, prev)
		}
		seen[m.To] = path
		for j, code := range m.From {
			if _, _, ok := from.Criterion(code); !ok {
				return e.src.Errf(index(key(path, "from"), j), nil, "%s has no criterion %q", from.Code, code)
			}
		}
		for j, code := range m.Indicators {
			if _, cr, ok := from.Indicator(code); !ok || !slices.Contains(m.From, cr.Code) {
				return e.src.Errf(index(key(path, "indicators"), j), nil, "%q is not an indicator of the criteria %v of %s", code, m.From, from.Code)
			}
		}
	}
	for _, cr := range to.Criteria {
		if _, ok := seen[cr.Code]; !ok {
			return e.src.Errf("mappings", nil, "criterion %s of %s is not mapped (map it with an empty `from` when nothing stands for it)", cr.Code, to.Code)
		}
	}
	// Keep the newer set's order, whatever the file's.
	slices.SortStableFunc(e.x.Mappings, func(a, b Mapping) int {
		_, i, _ := to.Criterion(a.To)
		_, j, _ := to.Criterion(b.To)
		return i - j
	})
	return nil
}

func (c *Catalog) nationalSet(code string) (*Set, bool) {
	for _, s := range c.national {
		if s.Code == code {
			return s, true
		}
	}
	return nil, false
}
