package catalog

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// Measure is how a report computes the result a target of a kind is
// compared with, named as ntm.criteria.v1.TargetMeasure names it.
type Measure string

// measureAsks says what each measure needs of a kind besides its unit.
var measureAsks = map[Measure]struct{ recognition, ocop bool }{
	"RECOGNISED_IN_PERIOD":     {recognition: true},
	"RECOGNISED_TOTAL":         {recognition: true},
	"RECOGNISED_PERCENT":       {recognition: true},
	"AVERAGE_CRITERIA":         {},
	"MIN_CRITERIA":             {},
	"OCOP_CERTIFIED_IN_PERIOD": {ocop: true},
	"OCOP_CERTIFIED_TOTAL":     {ocop: true},
	"NOT_COMPUTED":             {},
}

// TargetKind is a kind of target offices set ("số xã đạt chuẩn NTM", "bình
// quân tiêu chí/xã"), from target-kinds.yaml.
type TargetKind struct {
	Code string
	Name string // as the plans write it
	// ValueUnit is the unit of a target's value: "xã", "tiêu chí/xã", "%"...
	ValueUnit string
	Measure   Measure
	// UnitType and Levels: what recognition measures count.
	UnitType UnitType
	Levels   []Level
	// MinStars: what OCOP measures count.
	MinStars int
	// AtMost: a result at or below the target fulfils it (a ceiling).
	AtMost    bool
	Confirmed bool
	Note      string
}

// TargetKinds lists the kinds in file order (kinds a --catalog-dir adds last).
func (c *Catalog) TargetKinds() []TargetKind { return c.targetKinds }

// TargetKind returns the kind with code.
func (c *Catalog) TargetKind(code string) (*TargetKind, bool) {
	i := slices.IndexFunc(c.targetKinds, func(k TargetKind) bool { return k.Code == code })
	if i < 0 {
		return nil, false
	}
	return &c.targetKinds[i], true
}

// SchemaTargetKinds is the schema of target-kinds.yaml; a kind from a later
// fsys (--catalog-dir) replaces the one with the same code:
//
//	schema: ntm-target-kinds/v1
//	kinds:
//	  - code: COMMUNES_STANDARD_NEW
//	    name_vi: "Số xã đạt chuẩn nông thôn mới tăng thêm"
//	    value_unit: "xã"
//	    measure: RECOGNISED_IN_PERIOD      # a TargetMeasure name
//	    unit_type: COMMUNE                 # recognition measures only
//	    levels: [STANDARD]                 # recognition measures only
//	    min_stars: 3                       # OCOP measures only
//	    at_most: false                     # true for a ceiling
//	    confirmed: true
//	    note: "..."
const SchemaTargetKinds = "ntm-target-kinds/v1"

type rawTargetKind struct {
	Code      string    `yaml:"code"`
	NameVI    string    `yaml:"name_vi"`
	ValueUnit string    `yaml:"value_unit"`
	Measure   string    `yaml:"measure"`
	UnitType  string    `yaml:"unit_type"`
	Levels    yaml.Node `yaml:"levels"`
	MinStars  yaml.Node `yaml:"min_stars"`
	AtMost    bool      `yaml:"at_most"`
	Confirmed bool      `yaml:"confirmed"`
	Note      string    `yaml:"note"`
}

// kindEntry is a kind read from a file, with where it came from.
type kindEntry struct {
	origin
	kind TargetKind
}

func (f source) readTargetKinds(root *yaml.Node, fsIdx int) ([]kindEntry, error) {
	var doc struct {
		Schema string    `yaml:"schema"`
		Kinds  yaml.Node `yaml:"kinds"`
	}
	if err := f.DecodeStrict(root, "", &doc); err != nil {
		return nil, err
	}
	var out []kindEntry
	err := f.EachItem(&doc.Kinds, "kinds", func(path string, n *yaml.Node) error {
		k, err := f.targetKind(n, path)
		if err != nil {
			return err
		}
		out = append(out, kindEntry{origin: origin{src: f, path: path, fsIdx: fsIdx}, kind: k})
		return nil
	})
	return out, err
}

func (f source) targetKind(n *yaml.Node, path string) (TargetKind, error) {
	var raw rawTargetKind
	if err := f.DecodeStrict(n, path, &raw); err != nil {
		return TargetKind{}, err
	}
	k := TargetKind{Code: raw.Code, Name: raw.NameVI, ValueUnit: raw.ValueUnit, Measure: Measure(raw.Measure),
		AtMost: raw.AtMost, Confirmed: raw.Confirmed, Note: raw.Note}
	for _, kv := range [][2]string{{"code", k.Code}, {"name_vi", k.Name}, {"value_unit", k.ValueUnit}, {"measure", raw.Measure}} {
		if kv[1] == "" {
			return k, f.Errf(key(path, kv[0]), n, "missing")
		}
	}
	asks, ok := measureAsks[k.Measure]
	if !ok {
		return k, f.Errf(key(path, "measure"), n, "%q is not a TargetMeasure name", raw.Measure)
	}
	if k.Measure == "RECOGNISED_PERCENT" && k.ValueUnit != "%" {
		return k, f.Errf(key(path, "value_unit"), n, "%q: a percent measure is in %%", k.ValueUnit)
	}
	var err error
	if asks.recognition {
		if k.UnitType, err = f.unitType(raw.UnitType, key(path, "unit_type"), n); err != nil {
			return k, err
		}
		if k.Levels, err = f.levelList(&raw.Levels, key(path, "levels")); err != nil {
			return k, err
		}
		if len(k.Levels) == 0 {
			return k, f.Errf(key(path, "levels"), n, "missing")
		}
	} else {
		if raw.UnitType != "" || !isNull(&raw.Levels) {
			return k, f.Errf(path, n, "unit_type and levels are for recognition measures only")
		}
	}
	if asks.ocop {
		if k.MinStars, err = f.stars(&raw.MinStars, key(path, "min_stars"), n); err != nil {
			return k, err
		}
	} else if !isNull(&raw.MinStars) {
		return k, f.Errf(key(path, "min_stars"), n, "only OCOP measures count stars")
	}
	return k, nil
}

func (f source) stars(n *yaml.Node, path string, parent *yaml.Node) (int, error) {
	if isNull(n) {
		return 0, f.Errf(path, parent, "missing")
	}
	v, _, err := f.value(n, path, false)
	if err != nil {
		return 0, err
	}
	if v != float64(int(v)) || v < 1 || v > 5 {
		return 0, f.Errf(path, n, "%v is not a number of stars from 1 to 5", v)
	}
	return int(v), nil
}

// checkLevels makes sure some national set of the kind's unit type defines
// each level it counts.
func (e kindEntry) checkLevels(national []*Set) error {
	for i, want := range e.kind.Levels {
		if !someSetDefines(national, e.kind.UnitType, want) {
			return e.src.Errf(index(key(e.path, "levels"), i), nil, "no %s set defines level %s", e.kind.UnitType, want)
		}
	}
	return nil
}
