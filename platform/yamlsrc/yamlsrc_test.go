package yamlsrc_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/yamlsrc"
)

func TestErrorsNameFileKeyAndLine(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a:\n  b: [1, x]\n"), &doc); err != nil {
		t.Fatal(err)
	}
	f := yamlsrc.File{Name: "set.yaml"}
	item := doc.Content[0].Content[1].Content[1].Content[1] // a.b[1]
	var n int
	err := f.Decode(item, yamlsrc.Index(yamlsrc.Key("a", "b"), 1), &n)
	if err == nil || err.Error() != `set.yaml: a.b[1]: yaml: unmarshal errors:
  line 2: cannot unmarshal !!str `+"`x`"+` into int (line 2)` {
		t.Fatalf("got %v", err)
	}
	if got := f.Errf("", nil, "empty").Error(); got != "set.yaml: empty" {
		t.Fatalf("got %q", got)
	}
}

func TestIsNull(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: ~\nb: 1\n"), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	if !yamlsrc.IsNull(m.Content[1]) || yamlsrc.IsNull(m.Content[3]) || !yamlsrc.IsNull(nil) || !yamlsrc.IsNull(&yaml.Node{}) {
		t.Fatal("IsNull disagrees with YAML")
	}
}

func TestReadDirReadsRootYAMLInNameOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"b.yml":       {Data: []byte("b")},
		"a.yaml":      {Data: []byte("a")},
		"notes.txt":   {Data: []byte("x")},
		"sub/c.yaml":  {Data: []byte("c")},
		"z-last.yaml": {Data: []byte("z")},
	}
	var got []string
	err := yamlsrc.ReadDir(fsys, func(f yamlsrc.File, data []byte) error {
		got = append(got, f.Name+"="+string(data))
		return nil
	})
	if err != nil || strings.Join(got, ",") != "a.yaml=a,b.yml=b,z-last.yaml=z" {
		t.Fatalf("read %v, %v", got, err)
	}
}

func TestDate(t *testing.T) {
	f := yamlsrc.File{Name: "set.yaml"}
	if d, err := f.Date("set.applies_to", "", false); err != nil || !d.IsZero() {
		t.Fatalf("optional empty: %v %v", d, err)
	}
	if _, err := f.Date("set.applies_from", "", true); err == nil || err.Error() != "set.yaml: set.applies_from: missing" {
		t.Fatalf("required empty: %v", err)
	}
	if _, err := f.Date("set.applies_from", "2023-02-30", true); err == nil || !strings.HasPrefix(err.Error(), "set.yaml: set.applies_from: ") {
		t.Fatalf("bad day: %v", err)
	}
}

func TestDecodeStrictNamesAnUnknownKey(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a:\n  - {name: x, size: 1}\n  - {name: y, colour: red}\n"), &doc); err != nil {
		t.Fatal(err)
	}
	f := yamlsrc.File{Name: "k.yaml"}
	type item struct {
		Name string `yaml:"name"`
		Size int    `yaml:"size"`
	}
	var got []item
	err := f.EachItem(doc.Content[0].Content[1], "a", func(path string, n *yaml.Node) error {
		var it item
		if err := f.DecodeStrict(n, path, &it); err != nil {
			return err
		}
		got = append(got, it)
		return nil
	})
	if err == nil || err.Error() != "k.yaml: a[1].colour: unknown key (line 3)" || len(got) != 1 || got[0] != (item{"x", 1}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if err := f.EachItem(doc.Content[0], "top", func(string, *yaml.Node) error { return nil }); err == nil || !strings.Contains(err.Error(), "top: expected a list") {
		t.Errorf("a mapping as a list: %v", err)
	}
	if err := f.DecodeStrict(doc.Content[0].Content[1], "a", &item{}); err == nil || !strings.Contains(err.Error(), "a: expected a mapping") {
		t.Errorf("a list as a mapping: %v", err)
	}
}
