package catalog

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/yamlsrc"
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

type pair struct {
	key string
	k   *yaml.Node
	v   *yaml.Node
}

// pairs are the entries of a mapping in file order; nil for a null node.
func (f source) pairs(n *yaml.Node, path string) ([]pair, error) {
	if isNull(n) {
		return nil, nil
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, f.Errf(path, n, "expected a mapping")
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		out = append(out, pair{key: k.Value, k: k, v: v})
	}
	return out, nil
}

// value reads a threshold value: a number, or `true` for a yes/no indicator
// (stored as 1, "must be true"). null reports ok false.
func (f source) value(n *yaml.Node, path string, boolean bool) (v float64, ok bool, err error) {
	if isNull(n) {
		return 0, false, nil
	}
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return 0, false, f.Errf(path, n, "expected a value")
	}
	tag := n.ShortTag()
	if boolean {
		if tag != "!!bool" {
			return 0, false, f.Errf(path, n, "%q: a yes/no (op bool) threshold must be true", n.Value)
		}
		b, _ := strconv.ParseBool(n.Value)
		if !b {
			return 0, false, f.Errf(path, n, "a yes/no threshold must be true (the indicator must hold)")
		}
		return 1, true, nil
	}
	if tag != "!!int" && tag != "!!float" {
		return 0, false, f.Errf(path, n, "%q is not a number", n.Value)
	}
	v, perr := strconv.ParseFloat(n.Value, 64)
	if perr != nil {
		return 0, false, f.Errf(path, n, "%q is not a number", n.Value)
	}
	return v, true, nil
}
