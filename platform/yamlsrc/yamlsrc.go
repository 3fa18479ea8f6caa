// Package yamlsrc reads data files (criteria and OCOP catalogs) node by node,
// with errors that name the file, the key path inside it and the line
// ("criteria-2021-2025.yaml: criteria[9].indicators[0].threshold: … (line
// 412)"), so whoever edits a catalog can find the mistake without reading Go.
package yamlsrc

import (
	"fmt"
	"io/fs"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/date"
)

// File is one file being read.
type File struct {
	Name string // file name inside its fs
}

// Errf is an error at path (a key path, "" for the file) and node n (nil
// when there is no node, e.g. a missing key).
func (f File) Errf(path string, n *yaml.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	if n != nil && n.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", n.Line)
	}
	return fmt.Errorf("%s: %s", f.Name, msg)
}

// Decode decodes n into v, naming path in the error.
func (f File) Decode(n *yaml.Node, path string, v any) error {
	if err := n.Decode(v); err != nil {
		return f.Errf(path, n, "%v", err)
	}
	return nil
}

// Key is the path of key k under path.
func Key(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// Index is the path of item i of the list at path.
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Deref follows aliases.
func Deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// IsNull is true for an absent node (zero yaml.Node field) and for `null` / `~`.
func IsNull(n *yaml.Node) bool {
	n = Deref(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// Date reads a calendar date given as text at path; "" is the zero date, or
// "missing" when required.
func (f File) Date(path, s string, required bool) (date.Date, error) {
	if s == "" {
		if required {
			return date.Date{}, f.Errf(path, nil, "missing")
		}
		return date.Date{}, nil
	}
	d, err := date.Parse(s)
	if err != nil {
		return date.Date{}, f.Errf(path, nil, "%v", err)
	}
	return d, nil
}

// ReadDir calls read for every *.yaml and *.yml file at the root of fsys
// (not subdirectories), in name order, so that loading is reproducible.
func ReadDir(fsys fs.FS, read func(f File, data []byte) error) error {
	var names []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := fs.Glob(fsys, pattern)
		if err != nil {
			return err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := read(File{Name: name}, data); err != nil {
			return err
		}
	}
	return nil
}
