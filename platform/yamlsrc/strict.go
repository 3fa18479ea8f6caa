package yamlsrc

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DecodeStrict decodes the mapping n into the struct v points to, refusing
// keys the struct has no field for, each named with its path: a misspelt key
// must not silently drop a value.
func (f File) DecodeStrict(n *yaml.Node, path string, v any) error {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return f.Errf(path, n, "expected a mapping")
	}
	t := reflect.TypeOf(v).Elem()
	known := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		known[name] = true
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return f.Errf(Key(path, k.Value), k, "unknown key")
		}
	}
	return f.Decode(n, path, v)
}

// EachItem calls fn with the path and node of every item of the list at n;
// an absent or null list has no items.
func (f File) EachItem(n *yaml.Node, path string, fn func(path string, item *yaml.Node) error) error {
	if IsNull(n) {
		return nil
	}
	n = Deref(n)
	if n.Kind != yaml.SequenceNode {
		return f.Errf(path, n, "expected a list")
	}
	for i, item := range n.Content {
		if err := fn(Index(path, i), Deref(item)); err != nil {
			return err
		}
	}
	return nil
}
