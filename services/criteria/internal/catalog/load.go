package catalog

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/yamlsrc"
)

// Load reads every *.yaml and *.yml file at the root of each fsys (not
// subdirectories): national catalogs (schema ntm-criteria-catalog/v1), report
// bands (ntm-criteria-report/v1), recognition levels (ntm-criteria-levels/v1),
// provincial variants (ntm-criteria-province/v1), target kinds
// (ntm-target-kinds/v1) and crosswalks between successive sets
// (ntm-criteria-crosswalk/v1); any other schema is an error, so a stray file is
// noticed rather than ignored.
//
// A set, report or levels entry, or a target kind, from a later fsys
// replaces the one with the same code from an earlier fsys. The service
// passes the embedded catalogs first and its --catalog-dir after them, so a
// directory can ship a province's thresholds or the official 2026-2030
// Appendix I without a release. Within one fsys a code
// may appear once. Errors name the file and the key inside it.
func Load(fsyss ...fs.FS) (*Catalog, error) {
	var l loader
	for i, fsys := range fsyss {
		if err := l.readFS(i, fsys); err != nil {
			return nil, err
		}
	}
	return l.build()
}

type loader struct {
	national  map[string]*nationalDraft
	reports   map[string]reportEntry
	levels    map[string]levelsEntry
	provinces map[string]*provinceDraft
	kinds     []kindEntry // in the order first read
	// crosswalks by "from>to" set codes.
	crosswalks map[string]crosswalkEntry
}

func (l *loader) readFS(fsIdx int, fsys fs.FS) error {
	return yamlsrc.ReadDir(fsys, func(f yamlsrc.File, data []byte) error { return l.readFile(fsIdx, f.Name, data) })
}

func (l *loader) readFile(fsIdx int, name string, data []byte) error {
	f := source{yamlsrc.File{Name: name}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f.Errf("", nil, "%v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return f.Errf("", nil, "empty file")
	}
	root := doc.Content[0]
	var head struct {
		Schema string `yaml:"schema"`
	}
	if err := f.Decode(root, "", &head); err != nil {
		return err
	}
	switch head.Schema {
	case SchemaNational:
		d, err := f.readNational(root, fsIdx, name)
		if err != nil {
			return err
		}
		if prev, ok := l.national[d.set.Code]; ok && prev.fsIdx == fsIdx {
			return f.Errf("set.code", nil, "%s is also defined in %s", d.set.Code, prev.src.Name)
		}
		mapPut(&l.national, d.set.Code, d)
	case SchemaReport:
		entries, err := f.readReport(data, fsIdx)
		if err != nil {
			return err
		}
		return putBySet(&l.reports, entries)
	case SchemaLevels:
		entries, err := f.readLevels(root, fsIdx)
		if err != nil {
			return err
		}
		return putBySet(&l.levels, entries)
	case SchemaTargetKinds:
		kinds, err := f.readTargetKinds(root, fsIdx)
		if err != nil {
			return err
		}
		return l.addKinds(kinds)
	case SchemaProvince:
		d, err := f.readProvince(data, fsIdx)
		if err != nil {
			return err
		}
		if prev, ok := l.provinces[d.raw.Code]; ok && prev.fsIdx == fsIdx {
			return f.Errf("code", nil, "%s is also defined in %s", d.raw.Code, prev.src.Name)
		}
		mapPut(&l.provinces, d.raw.Code, d)
	case SchemaCrosswalk:
		e, err := f.readCrosswalk(root, fsIdx)
		if err != nil {
			return err
		}
		k := e.x.FromSet + ">" + e.x.ToSet
		if prev, ok := l.crosswalks[k]; ok && prev.fsIdx == fsIdx {
			return f.Errf("to_set", nil, "the crosswalk %s -> %s is also given in %s", e.x.FromSet, e.x.ToSet, prev.src.Name)
		}
		mapPut(&l.crosswalks, k, e)
	case "":
		return f.Errf("schema", root, "missing (expected %s, %s, %s, %s, %s or %s)", SchemaNational, SchemaProvince, SchemaReport, SchemaLevels, SchemaTargetKinds, SchemaCrosswalk)
	default:
		return f.Errf("schema", root, "unknown schema %q", head.Schema)
	}
	return nil
}

// origin is where an entry of a file was read: the file, the key path of
// the entry and the fsys (its index in Load's arguments).
type origin struct {
	src   source
	path  string
	fsIdx int
}

func (o origin) from() origin { return o }

// putBySet adds a file's entries by set code: an entry replaces the one of
// an earlier fsys; one fsys gives a set's entry once.
func putBySet[E interface{ from() origin }](m *map[string]E, entries map[string]E) error {
	for _, code := range sortedKeys(entries) {
		e := entries[code].from()
		if prev, ok := (*m)[code]; ok && prev.from().fsIdx == e.fsIdx {
			return e.src.Errf(e.path, nil, "also given in %s", prev.from().src.Name)
		}
		mapPut(m, code, entries[code])
	}
	return nil
}

// addKinds adds a file's kinds: one with the code of an earlier fsys's kind
// takes its place; a code given twice in one fsys is an error.
func (l *loader) addKinds(kinds []kindEntry) error {
	for _, k := range kinds {
		i := slices.IndexFunc(l.kinds, func(o kindEntry) bool { return o.kind.Code == k.kind.Code })
		switch {
		case i < 0:
			l.kinds = append(l.kinds, k)
		case l.kinds[i].fsIdx == k.fsIdx:
			return k.src.Errf(key(k.path, "code"), nil, "%s is also defined in %s", k.kind.Code, l.kinds[i].src.Name)
		default:
			l.kinds[i] = k
		}
	}
	return nil
}

func mapPut[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (l *loader) build() (*Catalog, error) {
	c := &Catalog{}
	drafts := make([]*nationalDraft, 0, len(l.national))
	for _, code := range sortedKeys(l.national) {
		drafts = append(drafts, l.national[code])
	}
	for _, d := range drafts {
		var err error
		if d.set.Scopes, err = d.scopes(drafts); err != nil {
			return nil, err
		}
		if err := d.buildCriteria(); err != nil {
			return nil, err
		}
		if err := endBySuccessor(d, drafts); err != nil {
			return nil, err
		}
		if err := l.applyReport(d); err != nil {
			return nil, err
		}
		d.set.Levels = l.levels[d.set.Code].levels
		c.national = append(c.national, d.set)
	}
	for _, code := range sortedKeys(l.reports) {
		if _, ok := l.national[code]; !ok {
			e := l.reports[code]
			return nil, e.src.Errf(e.path, nil, "no national set %q is loaded", code)
		}
	}
	if err := l.checkLevels(c.national); err != nil {
		return nil, err
	}
	sortNational(c.national)
	// At most one national set of a type is in force on a date.
	for i := 1; i < len(c.national); i++ {
		a, b := c.national[i-1], c.national[i]
		if a.UnitType == b.UnitType && a.Valid.Overlaps(b.Valid) {
			return nil, fmt.Errorf("%s and %s: %s sets %s (%s) and %s (%s) overlap", l.national[a.Code].src.Name,
				l.national[b.Code].src.Name, a.UnitType, a.Code, rangeString(a.Valid), b.Code, rangeString(b.Valid))
		}
	}
	if err := l.buildProvinces(c); err != nil {
		return nil, err
	}
	for _, k := range l.kinds {
		if err := k.checkLevels(c.national); err != nil {
			return nil, err
		}
		c.targetKinds = append(c.targetKinds, k.kind)
	}
	onto := map[string]crosswalkEntry{}
	for _, k := range sortedKeys(l.crosswalks) {
		e := l.crosswalks[k]
		if err := e.checkCrosswalk(c); err != nil {
			return nil, err
		}
		// One way back from each set: a trend reads a set's predecessor
		// through it, and two would give two answers.
		if prev, ok := onto[e.x.ToSet]; ok {
			return nil, e.src.Errf("to_set", nil, "%s already has a crosswalk onto it, from %s in %s", e.x.ToSet, prev.x.FromSet, prev.src.Name)
		}
		onto[e.x.ToSet] = e
		c.crosswalks = append(c.crosswalks, &e.x)
	}
	return c, nil
}

// checkLevels refuses levels entries of sets that are not loaded national
// sets (a variant takes its base's levels) and units conditions no set can meet.
func (l *loader) checkLevels(national []*Set) error {
	for _, code := range sortedKeys(l.levels) {
		e := l.levels[code]
		d, ok := l.national[code]
		if !ok {
			return e.src.Errf(e.path, nil, "no national set %q is loaded (a provincial variant takes its base's levels)", code)
		}
		if err := e.checkUnitsLevels(d.set, national); err != nil {
			return err
		}
	}
	return nil
}

// endBySuccessor ends a set without applies_to where the set that supersedes
// it starts (its own superseded_by, or the other file's supersedes).
func endBySuccessor(d *nationalDraft, all []*nationalDraft) error {
	if d.hasEnd {
		return nil
	}
	for _, o := range all {
		if o == d || (o.raw.Set.Supersedes != d.set.Code && d.raw.Set.SupersededBy != o.set.Code) {
			continue
		}
		if o.set.UnitType != d.set.UnitType {
			return d.src.Errf("set", nil, "%s assesses %s units and its successor %s %s units", d.set.Code, d.set.UnitType, o.set.Code, o.set.UnitType)
		}
		if !d.set.Valid.From.Before(o.set.Valid.From) {
			return d.src.Errf("set.applies_from", nil, "%s starts on or after its successor %s (%s)", d.set.Code, o.set.Code, o.set.Valid.From)
		}
		d.set.Valid.To = o.set.Valid.From
		return nil
	}
	return nil
}

func (l *loader) applyReport(d *nationalDraft) error {
	if e, ok := l.reports[d.set.Code]; ok {
		return e.apply(d.set)
	}
	if own := d.raw.Set.ReportBands.Bands; len(own) > 0 {
		bands, err := d.src.bands(own, "set.report_bands.bands", len(d.set.Criteria))
		if err != nil {
			return err
		}
		d.set.Bands = bands
	}
	return nil
}

func (l *loader) buildProvinces(c *Catalog) error {
	for _, code := range sortedKeys(l.provinces) {
		d := l.provinces[code]
		if _, ok := l.national[code]; ok {
			return d.src.Errf("code", nil, "%s is the code of a national set", code)
		}
		var base *Set
		for _, s := range c.national {
			if s.Code == d.raw.Base {
				base = s
			}
		}
		if base == nil {
			return d.src.Errf("base", nil, "no national set %q is loaded", d.raw.Base)
		}
		s, err := d.build(base)
		if err != nil {
			return err
		}
		c.provincial = append(c.provincial, s)
	}
	sortProvincial(c.provincial)
	// A province's next variant for a unit type ends the previous one.
	for i := 1; i < len(c.provincial); i++ {
		a, b := c.provincial[i-1], c.provincial[i]
		if a.ProvinceCode != b.ProvinceCode || a.UnitType != b.UnitType {
			continue
		}
		if a.Valid.From.Equal(b.Valid.From) {
			return fmt.Errorf("%s and %s: %s variants %s and %s of province %s both start on %s", l.provinces[a.Code].src.Name,
				l.provinces[b.Code].src.Name, a.UnitType, a.Code, b.Code, a.ProvinceCode, a.Valid.From)
		}
		if a.Valid.To.IsZero() || b.Valid.From.Before(a.Valid.To) {
			a.Valid.To = b.Valid.From
		}
	}
	return nil
}
