package catalog

import (
	"github.com/ntmsuite/ntm/platform/yamlsrc"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Schema is the schema name of the files the loader reads.
const Schema = "ocop-scoring-catalog/v1"

// rawFile is the part of a catalog file (format: ocop-scoring.yaml) the
// loader uses; other keys (producers, sources, notes) are documentation for
// people. Every section is optional in a file, so a later file can carry
// just what it replaces. A set's sheet is the `lines` of its entry or, for
// test data, the top-level `synthetic_sheet_<code>` of the same file.
type rawFile struct {
	Schema        string    `yaml:"schema"`
	Catalogs      yaml.Node `yaml:"catalogs"`
	ProductGroups yaml.Node `yaml:"product_groups_2023"`
	StarBands     yaml.Node `yaml:"star_bands"`
	Councils      yaml.Node `yaml:"councils"`
	Certificate   yaml.Node `yaml:"certificate"`
}

// Load reads every *.yaml and *.yml file at the root of each fsys (not
// subdirectories), all of schema ocop-scoring-catalog/v1; any other schema is
// an error, so a stray file is noticed rather than ignored.
//
// A catalog entry from a later fsys replaces the one with the same code from
// an earlier fsys whole (give its legal_basis again: the council periods name
// their decision from the dated documents of the catalogs loaded), and a section (product_groups_2023, star_bands, councils,
// certificate) from a later fsys replaces the earlier section whole. The
// service passes the embedded catalogs first and its catalog directory after
// them, so a newer decision or a province's sheet needs no release. Within
// one fsys a code or a section may appear once. Errors name the file and the
// key inside it.
func Load(fsyss ...fs.FS) (*Catalog, error) {
	var l loader
	for i, fsys := range fsyss {
		if err := l.readFS(i, fsys); err != nil {
			return nil, err
		}
	}
	return l.build()
}

// section is a file section with where it came from, for errors and for the
// later-fsys-replaces rule.
type section[T any] struct {
	src   source
	fsIdx int
	val   T
	set   bool
}

func (s *section[T]) put(src source, fsIdx int, path string, v T) error {
	if s.set && s.fsIdx == fsIdx {
		return src.Errf(path, nil, "also given in %s", s.src.Name)
	}
	*s = section[T]{src: src, fsIdx: fsIdx, val: v, set: true}
	return nil
}

type loader struct {
	sets        map[string]*setDraft
	groups      section[[]ProductGroup]
	bands       section[bandsDraft]
	periods     section[[]*periodDraft]
	certificate section[certificateDraft]
}

func (l *loader) readFS(fsIdx int, fsys fs.FS) error {
	return yamlsrc.ReadDir(fsys, func(f yamlsrc.File, data []byte) error { return l.readFile(fsIdx, source{f}, data) })
}

func (l *loader) readFile(fsIdx int, f source, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f.Errf("", nil, "%v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return f.Errf("", nil, "empty file")
	}
	root := deref(doc.Content[0])
	var raw rawFile
	if err := f.Decode(root, "", &raw); err != nil {
		return err
	}
	switch raw.Schema {
	case Schema:
	case "":
		return f.Errf("schema", root, "missing (expected %s)", Schema)
	default:
		return f.Errf("schema", root, "unknown schema %q (expected %s)", raw.Schema, Schema)
	}
	entries, err := f.items(&raw.Catalogs, "catalogs")
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	for i, n := range entries {
		d, err := f.readSet(n, index("catalogs", i), root, fsIdx)
		if err != nil {
			return err
		}
		codes[d.set.Code] = true
		if prev, ok := l.sets[d.set.Code]; ok && prev.fsIdx == fsIdx {
			return f.Errf(key(index("catalogs", i), "code"), n, "%s is also defined in %s", d.set.Code, prev.src.Name)
		}
		if l.sets == nil {
			l.sets = map[string]*setDraft{}
		}
		l.sets[d.set.Code] = d
	}
	if err := f.straySheets(root, codes); err != nil {
		return err
	}
	return l.readSections(fsIdx, f, &raw)
}

// straySheets refuses a synthetic_sheet_<code> list whose catalog is not in
// the same file: it would be ignored, since a sheet travels with its entry.
func (f source) straySheets(root *yaml.Node, codes map[string]bool) error {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		code, ok := strings.CutPrefix(k.Value, syntheticPrefix)
		if ok && v.Kind == yaml.SequenceNode && !codes[code] {
			return f.Errf(k.Value, k, "no catalog %q in this file", code)
		}
	}
	return nil
}

func (l *loader) readSections(fsIdx int, f source, raw *rawFile) error {
	if !isNull(&raw.ProductGroups) {
		g, err := f.readGroupSection(&raw.ProductGroups, "product_groups_2023")
		if err != nil {
			return err
		}
		if err := l.groups.put(f, fsIdx, "product_groups_2023", g); err != nil {
			return err
		}
	}
	if !isNull(&raw.StarBands) {
		b, err := f.readBands(&raw.StarBands, "star_bands")
		if err != nil {
			return err
		}
		if err := l.bands.put(f, fsIdx, "star_bands", b); err != nil {
			return err
		}
	}
	if !isNull(&raw.Councils) {
		p, err := f.readCouncils(&raw.Councils, "councils")
		if err != nil {
			return err
		}
		if err := l.periods.put(f, fsIdx, "councils", p); err != nil {
			return err
		}
	}
	if !isNull(&raw.Certificate) {
		c, err := f.readCertificate(&raw.Certificate, "certificate")
		if err != nil {
			return err
		}
		if err := l.certificate.put(f, fsIdx, "certificate", c); err != nil {
			return err
		}
	}
	return nil
}
