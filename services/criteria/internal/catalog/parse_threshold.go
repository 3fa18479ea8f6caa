package catalog

import (
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// scoping is what threshold keys a set accepts: by_region with its region codes,
// or by_group with its commune groups. Naming an unknown scope is an error, so a
// typo ("TDMBPB") cannot silently leave a region without its threshold.
type scoping struct {
	dim    Dimension
	scopes []string
}

// thresholdBlock is an indicator's `threshold` mapping, read but not yet
// attached: rows hold legal values, subset the second part of a two-part
// threshold (clean_water_subset_by_region, 2016-2020 indicator 17.1).
type thresholdBlock struct {
	op, unit       string
	hasOp, hasUnit bool
	rows, subset   []Threshold
	confirmed      *bool // provincial files only
}

var validOps = []string{OpAtLeast, OpAtMost, OpEqual, OpBool}

// readThreshold reads a threshold block in any of the shapes of the shipped
// files: default, national, by_region, by_group, by_year_and_region (with a
// `national` column), clean_water_subset_by_region. Null values are skipped:
// they mean "unknown", and synthetic_default fills them. op is inheritedOp when
// the block has none (provincial files).
func (f source) readThreshold(n *yaml.Node, path string, sc scoping, inheritedOp string) (thresholdBlock, error) {
	var b thresholdBlock
	ps, err := f.pairs(n, path)
	if err != nil {
		return b, err
	}
	b.op = inheritedOp
	for _, p := range ps {
		if p.key == "op" {
			if p.v.Kind != yaml.ScalarNode || !slices.Contains(validOps, p.v.Value) {
				return b, f.Errf(key(path, "op"), p.v, "%q is not one of >=, <=, ==, bool", p.v.Value)
			}
			b.op, b.hasOp = p.v.Value, true
		}
	}
	if b.op == "" {
		return b, f.Errf(key(path, "op"), n, "missing")
	}
	boolean := b.op == OpBool
	var def, national *Threshold
	for _, p := range ps {
		kp := key(path, p.key)
		switch p.key {
		case "op":
		case "unit":
			if !isNull(p.v) {
				if p.v.Kind != yaml.ScalarNode {
					return b, f.Errf(kp, p.v, "expected a unit")
				}
				b.unit = p.v.Value
			}
			b.hasUnit = true
		case "default", "national":
			v, ok, err := f.value(p.v, kp, boolean)
			if err != nil {
				return b, err
			}
			if ok && p.key == "default" {
				def = &Threshold{Value: v}
			} else if ok {
				national = &Threshold{Value: v}
			}
		case "by_region", "by_group", "clean_water_subset_by_region":
			rows, err := f.scopeRows(p.v, kp, sc, p.key == "by_group", boolean, 0)
			if err != nil {
				return b, err
			}
			if p.key == "clean_water_subset_by_region" {
				b.subset = rows
			} else {
				b.rows = append(b.rows, rows...)
			}
		case "by_year_and_region":
			rows, err := f.yearRows(p.v, kp, sc, boolean)
			if err != nil {
				return b, err
			}
			b.rows = append(b.rows, rows...)
		case "confirmed":
			var c bool
			if err := f.Decode(p.v, kp, &c); err != nil {
				return b, err
			}
			b.confirmed = &c
		case "note", "sources":
			// documentation only
		default:
			return b, f.Errf(kp, p.k, "unknown threshold key")
		}
	}
	// `national` is the "chung cả nước" value: the default unless one is given.
	if def == nil {
		def = national
	}
	if def != nil {
		b.rows = append(b.rows, *def)
	}
	return b, nil
}

// scopeRows reads {SCOPE: value} for one year (0 = every year).
func (f source) scopeRows(n *yaml.Node, path string, sc scoping, byGroup, boolean bool, year int) ([]Threshold, error) {
	if err := f.checkDimension(n, path, sc, byGroup); err != nil {
		return nil, err
	}
	ps, err := f.pairs(n, path)
	if err != nil {
		return nil, err
	}
	var out []Threshold
	for _, p := range ps {
		kp := key(path, p.key)
		scope := p.key
		if scope == "national" && year != 0 {
			scope = ""
		} else if err := f.checkScope(p.k, kp, sc); err != nil {
			return nil, err
		}
		v, ok, err := f.value(p.v, kp, boolean)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Threshold{Scope: scope, Year: year, Value: v})
		}
	}
	return out, nil
}

// yearRows reads {YEAR: {REGION: value, national: value}}.
func (f source) yearRows(n *yaml.Node, path string, sc scoping, boolean bool) ([]Threshold, error) {
	if err := f.checkDimension(n, path, sc, false); err != nil {
		return nil, err
	}
	ps, err := f.pairs(n, path)
	if err != nil {
		return nil, err
	}
	var out []Threshold
	for _, p := range ps {
		kp := key(path, p.key)
		year, err := f.year(p.k, kp)
		if err != nil {
			return nil, err
		}
		rows, err := f.scopeRows(p.v, kp, sc, false, boolean, year)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func (f source) year(k *yaml.Node, path string) (int, error) {
	y, err := strconv.Atoi(k.Value)
	if err != nil || y < 1900 || y > 2200 {
		return 0, f.Errf(path, k, "%q is not a year", k.Value)
	}
	return y, nil
}

func (f source) checkDimension(n *yaml.Node, path string, sc scoping, byGroup bool) error {
	if isNull(n) {
		return nil
	}
	if byGroup && sc.dim != DimCommuneGroup {
		return f.Errf(path, n, "this set's thresholds are by region, not by commune group")
	}
	if !byGroup && sc.dim != DimRegion {
		return f.Errf(path, n, "this set's thresholds are by commune group (by_group), not by region")
	}
	return nil
}

func (f source) checkScope(k *yaml.Node, path string, sc scoping) error {
	if !slices.Contains(sc.scopes, k.Value) {
		return f.Errf(path, k, "unknown %s %q (known: %v)", sc.dim, k.Value, sc.scopes)
	}
	return nil
}

// syntheticRows reads a synthetic_default in any shipped shape: {SCOPE: v},
// {default: v, SCOPE: v} or {YEAR: {SCOPE: v}}. A key with a mapping value is
// a year (commune groups "1".."3" are digits too, so the value decides).
func (f source) syntheticRows(n *yaml.Node, path string, sc scoping, boolean bool) ([]Threshold, error) {
	ps, err := f.pairs(n, path)
	if err != nil {
		return nil, err
	}
	var out []Threshold
	for _, p := range ps {
		kp := key(path, p.key)
		if p.v.Kind == yaml.MappingNode {
			year, err := f.year(p.k, kp)
			if err != nil {
				return nil, err
			}
			inner, err := f.syntheticScopes(p.v, kp, sc, boolean, year)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		row, ok, err := f.syntheticScope(p, kp, sc, boolean, 0)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, row)
		}
	}
	for i := range out {
		out[i].Source = SourceSynthetic
	}
	return out, nil
}

func (f source) syntheticScopes(n *yaml.Node, path string, sc scoping, boolean bool, year int) ([]Threshold, error) {
	ps, err := f.pairs(n, path)
	if err != nil {
		return nil, err
	}
	var out []Threshold
	for _, p := range ps {
		row, ok, err := f.syntheticScope(p, key(path, p.key), sc, boolean, year)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, row)
		}
	}
	return out, nil
}

func (f source) syntheticScope(p pair, path string, sc scoping, boolean bool, year int) (Threshold, bool, error) {
	scope := p.key
	if scope == "default" || scope == "national" {
		scope = ""
	} else if err := f.checkScope(p.k, path, sc); err != nil {
		return Threshold{}, false, err
	}
	v, ok, err := f.value(p.v, path, boolean)
	return Threshold{Scope: scope, Year: year, Value: v}, ok, err
}

// withSynthetic adds the synthetic rows that no legal row covers: a legal value,
// even a less specific one (a default), always wins over a placeholder.
func withSynthetic(legal, synthetic []Threshold) []Threshold {
	out := legal
	for _, s := range synthetic {
		covered := false
		for _, l := range legal {
			if (l.Scope == s.Scope || l.Scope == "") && (l.Year == s.Year || l.Year == 0) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, s)
		}
	}
	return out
}
