package yamlsrc_test

import (
	"testing"

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
