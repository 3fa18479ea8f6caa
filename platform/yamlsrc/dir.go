package yamlsrc

import (
	"fmt"
	"io/fs"
	"os"
)

// LoadWithDir loads a catalog with load from shipped (embedded in the
// service) and then, unless dir is empty, from the directory dir, read after
// them so that a province's own files or a newer set need no release.
func LoadWithDir[C any](shipped fs.FS, dir string, load func(...fs.FS) (C, error)) (C, error) {
	if dir == "" {
		return load(shipped)
	}
	// Loaders glob for files, and a glob finds none, without an error, in a
	// directory that cannot be read or in a file: a mistyped path must not
	// silently leave a province's files out.
	if _, err := os.ReadDir(dir); err != nil {
		var none C
		return none, fmt.Errorf("catalog dir: %w", err)
	}
	return load(shipped, os.DirFS(dir))
}
