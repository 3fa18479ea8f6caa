package catalog

import (
	"math"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/yamlsrc"

	"github.com/ntmsuite/ntm/platform/date"
)

// source is one catalog file being read (see platform/yamlsrc: errors name
// the file, the key path and the line).
type source struct{ yamlsrc.File }

// The node helpers every catalog reader shares.
var (
	key    = yamlsrc.Key
	index  = yamlsrc.Index
	deref  = yamlsrc.Deref
	isNull = yamlsrc.IsNull
)

// items are the entries of a sequence; nil for a null node.
func (f source) items(n *yaml.Node, path string) ([]*yaml.Node, error) {
	if isNull(n) {
		return nil, nil
	}
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, f.Errf(path, n, "expected a list")
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out, nil
}

// known refuses keys of the mapping n outside allowed. It guards the entries
// that carry values (parts, lines, bands, rules): a misspelt
// `min_points_to_propose` must not silently drop a rule. Files also carry
// documentation keys (sources, notes), so whole files are not strict.
func (f source) known(n *yaml.Node, path string, allowed ...string) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return f.Errf(path, n, "expected a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if !slices.Contains(allowed, k.Value) {
			return f.Errf(key(path, k.Value), k, "unknown key (known: %v)", allowed)
		}
	}
	return nil
}

// number reads a finite number; ok is false for an absent or null node.
func (f source) number(n *yaml.Node, path string) (v float64, ok bool, err error) {
	if isNull(n) {
		return 0, false, nil
	}
	n = deref(n)
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		return 0, false, f.Errf(path, n, "%q is not a number", n.Value)
	}
	v, perr := strconv.ParseFloat(n.Value, 64)
	if perr != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, f.Errf(path, n, "%q is not a finite number", n.Value)
	}
	return v, true, nil
}

// positive reads a required number above 0.
func (f source) positive(n *yaml.Node, path string) (float64, error) {
	v, ok, err := f.number(n, path)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, f.Errf(path, nil, "missing")
	case v <= 0:
		return 0, f.Errf(path, n, "%v must be above 0", v)
	}
	return v, nil
}

// integer reads a required whole number of at least min.
func (f source) integer(n *yaml.Node, path string, min int) (int, error) {
	if isNull(n) {
		return 0, f.Errf(path, nil, "missing")
	}
	n = deref(n)
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil {
		return 0, f.Errf(path, n, "%q is not a whole number", n.Value)
	}
	if i < min {
		return 0, f.Errf(path, n, "%d is below %d", i, min)
	}
	return i, nil
}

// lastDay reads an applies_to (the last day in force) as the exclusive end
// of a date.Range.
func (f source) lastDay(path, s string) (date.Date, error) {
	d, err := f.Date(path, s, false)
	if err != nil || d.IsZero() {
		return d, err
	}
	return d.AddDays(1), nil
}
