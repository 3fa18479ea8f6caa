package yamlsrc_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/yamlsrc"
)

// names lists the YAML files of fsyss in the order a loader reads them.
func names(fsyss ...fs.FS) ([]string, error) {
	var all []string
	for _, fsys := range fsyss {
		m, err := fs.Glob(fsys, "*.yaml")
		if err != nil {
			return nil, err
		}
		all = append(all, m...)
	}
	return all, nil
}

func TestLoadWithDirReadsTheDirectoryAfterTheShippedFiles(t *testing.T) {
	shipped := fstest.MapFS{"national.yaml": {Data: []byte("a: 1\n")}}
	got, err := yamlsrc.LoadWithDir(shipped, "", names)
	if err != nil || len(got) != 1 || got[0] != "national.yaml" {
		t.Fatalf("without a dir: %v, err %v; want the shipped file", got, err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "province.yaml"), []byte("b: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = yamlsrc.LoadWithDir(shipped, dir, names)
	if err != nil || len(got) != 2 || got[0] != "national.yaml" || got[1] != "province.yaml" {
		t.Fatalf("with a dir: %v, err %v; want the shipped file, then the dir's", got, err)
	}
}

// A path that is not a readable directory is an error, not an empty catalog.
func TestLoadWithDirRejectsAPathItCannotRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), "province.yaml")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		if _, err := yamlsrc.LoadWithDir(fstest.MapFS{}, dir, names); err == nil {
			t.Errorf("LoadWithDir(%s) succeeded, want an error", dir)
		}
	}
}
