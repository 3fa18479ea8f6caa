package catalog

import (
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// UnitType is the type of unit a set assesses, named as the registry names
// it. Wards and townships are never assessed.
type UnitType string

const (
	UnitProvince UnitType = "PROVINCE"
	UnitDistrict UnitType = "DISTRICT"
	UnitCommune  UnitType = "COMMUNE"
	UnitVillage  UnitType = "VILLAGE"
)

// unitTypes are the assessed types in the order sets are listed: communes,
// the bulk of the programme, first.
var unitTypes = []UnitType{UnitCommune, UnitVillage, UnitDistrict, UnitProvince}

// Assessed reports whether units of type t are assessed under some kind of
// set: false for wards, townships and unknown names.
func (t UnitType) Assessed() bool { return slices.Contains(unitTypes, t) }

// unitType reads the name of an assessed unit type.
func (f source) unitType(name, path string, n *yaml.Node) (UnitType, error) {
	if name == "" {
		return "", f.Errf(path, n, "missing")
	}
	if t := UnitType(name); t.Assessed() {
		return t, nil
	}
	return "", f.Errf(path, n, "%q is not one of COMMUNE, VILLAGE, DISTRICT, PROVINCE", name)
}

// depth is how far below the province a type sits.
func (t UnitType) depth() int {
	return map[UnitType]int{UnitProvince: 0, UnitDistrict: 1, UnitCommune: 2, UnitVillage: 3}[t]
}

// Level is a recognition level, named as the registry names it ("ADVANCED").
type Level string

// levels are the names a catalog may use.
var levels = []Level{"STANDARD", "ADVANCED", "MODEL", "MODERN", "COMPLETED"}

// LevelRule is a level a set defines and what recognising it asks.
type LevelRule struct {
	Level Level
	Name  string // the title in the words of the decisions
	// Requires: one of these levels must be in force for the unit on the
	// recognition's date; empty asks none.
	Requires []Level
	// Units is the share of the units under a district or province that
	// must hold some levels; nil asks nothing.
	Units      *UnitsCondition
	LegalBasis []string
	Confirmed  bool
	Note       string
}

// UnitsCondition: at least MinPercent percent of the units of Type under
// the unit on the date hold one of Levels ("100% of its communes đạt chuẩn").
type UnitsCondition struct {
	Type       UnitType
	Levels     []Level
	MinPercent int
}

// SchemaLevels is the schema of levels.yaml: per national set code, the
// levels the set defines, replacing the entries of the sets it names when a
// later fsys (--catalog-dir) gives the same code:
//
//	schema: ntm-criteria-levels/v1
//	sets:
//	  NTM_DISTRICT_2021_2025:
//	    - level: STANDARD                  # a RecognitionLevel name
//	      name_vi: "Huyện đạt chuẩn nông thôn mới"
//	      requires: []                     # levels listed before it; any one in force
//	      units: {type: COMMUNE, levels: [STANDARD, ADVANCED, MODEL], min_percent: 100}
//	      legal_basis: ["320/QĐ-TTg"]
//	      confirmed: false
//	      note: "..."
const SchemaLevels = "ntm-criteria-levels/v1"

type rawLevel struct {
	Level      string      `yaml:"level"`
	NameVI     string      `yaml:"name_vi"`
	Requires   yaml.Node   `yaml:"requires"`
	Units      yaml.Node   `yaml:"units"`
	LegalBasis []yaml.Node `yaml:"legal_basis"`
	Confirmed  bool        `yaml:"confirmed"`
	Note       string      `yaml:"note"`
}

type rawUnits struct {
	Type       string    `yaml:"type"`
	Levels     yaml.Node `yaml:"levels"`
	MinPercent yaml.Node `yaml:"min_percent"`
}

// levelsEntry is one set's levels read from a file, with where they came
// from so that build can name the file and key of a mistake.
type levelsEntry struct {
	origin
	levels []LevelRule
}

// readLevels reads a levels file; every check that needs only the entry
// itself is made here, the ones that need other sets in build.
func (f source) readLevels(root *yaml.Node, fsIdx int) (map[string]levelsEntry, error) {
	var doc struct {
		Schema string    `yaml:"schema"`
		Sets   yaml.Node `yaml:"sets"`
	}
	if err := f.DecodeStrict(root, "", &doc); err != nil {
		return nil, err
	}
	sets, err := f.pairs(&doc.Sets, "sets")
	if err != nil {
		return nil, err
	}
	out := map[string]levelsEntry{}
	for _, p := range sets {
		path := key("sets", p.key)
		e := levelsEntry{origin: origin{src: f, path: path, fsIdx: fsIdx}}
		err := f.EachItem(p.v, path, func(path string, n *yaml.Node) error {
			l, err := f.levelRule(n, path, e.levels)
			if err != nil {
				return err
			}
			e.levels = append(e.levels, l)
			return nil
		})
		if err != nil {
			return nil, err
		}
		out[p.key] = e
	}
	return out, nil
}

// levelRule reads one level of a set whose earlier levels are before.
func (f source) levelRule(n *yaml.Node, path string, before []LevelRule) (LevelRule, error) {
	var raw rawLevel
	if err := f.DecodeStrict(n, path, &raw); err != nil {
		return LevelRule{}, err
	}
	l := LevelRule{Level: Level(raw.Level), Name: raw.NameVI, Confirmed: raw.Confirmed, Note: raw.Note}
	if err := f.knownLevel(raw.Level, key(path, "level"), n); err != nil {
		return l, err
	}
	if slices.ContainsFunc(before, func(o LevelRule) bool { return o.Level == l.Level }) {
		return l, f.Errf(key(path, "level"), n, "%s is listed twice", l.Level)
	}
	if l.Name == "" {
		return l, f.Errf(key(path, "name_vi"), n, "missing")
	}
	var err error
	if l.Requires, err = f.levelList(&raw.Requires, key(path, "requires")); err != nil {
		return l, err
	}
	for i, r := range l.Requires {
		if !slices.ContainsFunc(before, func(o LevelRule) bool { return o.Level == r }) {
			return l, f.Errf(index(key(path, "requires"), i), &raw.Requires, "%s is not a level of this set listed before %s", r, l.Level)
		}
	}
	if !isNull(&raw.Units) {
		if l.Units, err = f.unitsCondition(&raw.Units, key(path, "units")); err != nil {
			return l, err
		}
	}
	l.LegalBasis, err = f.legalBasis(raw.LegalBasis, key(path, "legal_basis"))
	return l, err
}

func (f source) unitsCondition(n *yaml.Node, path string) (*UnitsCondition, error) {
	var raw rawUnits
	if err := f.DecodeStrict(deref(n), path, &raw); err != nil {
		return nil, err
	}
	t, err := f.unitType(raw.Type, key(path, "type"), n)
	if err != nil {
		return nil, err
	}
	u := &UnitsCondition{Type: t}
	if u.Levels, err = f.levelList(&raw.Levels, key(path, "levels")); err != nil {
		return nil, err
	}
	if len(u.Levels) == 0 {
		return nil, f.Errf(key(path, "levels"), n, "missing")
	}
	pp := key(path, "min_percent")
	mp := deref(&raw.MinPercent)
	if isNull(mp) {
		return nil, f.Errf(pp, n, "missing")
	}
	if mp.Kind != yaml.ScalarNode || mp.ShortTag() != "!!int" {
		return nil, f.Errf(pp, mp, "%q is not a whole number of percent", mp.Value)
	}
	if u.MinPercent, err = strconv.Atoi(mp.Value); err != nil || u.MinPercent < 1 || u.MinPercent > 100 {
		return nil, f.Errf(pp, mp, "%s is not within 1..100 (leave units out to ask nothing)", mp.Value)
	}
	return u, nil
}

// levelList reads a list of level names; absent is empty.
func (f source) levelList(n *yaml.Node, path string) ([]Level, error) {
	var out []Level
	err := f.EachItem(n, path, func(p string, item *yaml.Node) error {
		if item.Kind != yaml.ScalarNode {
			return f.Errf(p, item, "expected a level name")
		}
		if err := f.knownLevel(item.Value, p, item); err != nil {
			return err
		}
		if slices.Contains(out, Level(item.Value)) {
			return f.Errf(p, item, "%s is listed twice", item.Value)
		}
		out = append(out, Level(item.Value))
		return nil
	})
	return out, err
}

func (f source) knownLevel(name, path string, n *yaml.Node) error {
	if name == "" {
		return f.Errf(path, n, "missing")
	}
	if !slices.Contains(levels, Level(name)) {
		return f.Errf(path, n, "%q is not one of STANDARD, ADVANCED, MODEL, MODERN, COMPLETED", name)
	}
	return nil
}

// checkUnitsLevels makes sure each level a units condition asks for is
// defined by some national set of the condition's type, and that the type
// lies below the set's own: a typo ("COMMUNE COMPLETED") would otherwise make
// a level impossible to recognise.
func (e levelsEntry) checkUnitsLevels(s *Set, national []*Set) error {
	for i, l := range e.levels {
		u := l.Units
		if u == nil {
			continue
		}
		path := key(index(e.path, i), "units")
		if u.Type.depth() <= s.UnitType.depth() {
			return e.src.Errf(key(path, "type"), nil, "%s units do not lie below a %s", u.Type, s.UnitType)
		}
		for j, want := range u.Levels {
			if !someSetDefines(national, u.Type, want) {
				return e.src.Errf(index(key(path, "levels"), j), nil, "no %s set defines level %s", u.Type, want)
			}
		}
	}
	return nil
}

// someSetDefines reports whether a national set of type t defines level l.
func someSetDefines(national []*Set, t UnitType, l Level) bool {
	return slices.ContainsFunc(national, func(s *Set) bool {
		_, ok := s.Level(l)
		return s.UnitType == t && ok
	})
}
