package catalog

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// source is one catalog file being read; its errors name the file and the key
// path inside it ("criteria[9].indicators[0].threshold.by_region.TDMNPB"), so
// whoever edits a provincial file can find the mistake without reading Go.
type source struct {
	name string // file name inside its fs
}

func (f source) errf(path string, n *yaml.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	if n != nil && n.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", n.Line)
	}
	return fmt.Errorf("%s: %s", f.name, msg)
}

// decode decodes n into v, naming path in the error.
func (f source) decode(n *yaml.Node, path string, v any) error {
	if err := n.Decode(v); err != nil {
		return f.errf(path, n, "%v", err)
	}
	return nil
}

func key(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull is true for an absent node (zero yaml.Node field) and for `null` / `~`.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

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
		return nil, f.errf(path, n, "expected a mapping")
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
		return 0, false, f.errf(path, n, "expected a value")
	}
	tag := n.ShortTag()
	if boolean {
		if tag != "!!bool" {
			return 0, false, f.errf(path, n, "%q: a yes/no (op bool) threshold must be true", n.Value)
		}
		b, _ := strconv.ParseBool(n.Value)
		if !b {
			return 0, false, f.errf(path, n, "a yes/no threshold must be true (the indicator must hold)")
		}
		return 1, true, nil
	}
	if tag != "!!int" && tag != "!!float" {
		return 0, false, f.errf(path, n, "%q is not a number", n.Value)
	}
	v, perr := strconv.ParseFloat(n.Value, 64)
	if perr != nil {
		return 0, false, f.errf(path, n, "%q is not a number", n.Value)
	}
	return v, true, nil
}
