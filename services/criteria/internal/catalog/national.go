package catalog

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/period"
)

// Schema names of the files the loader reads.
const (
	SchemaNational = "ntm-criteria-catalog/v1"
	SchemaProvince = "ntm-criteria-province/v1"
	SchemaReport   = "ntm-criteria-report/v1"
)

// rawNational is the part of a national catalog (format: header of
// criteria-2021-2025.yaml) the loader uses; other keys (the `levels` lists,
// revocation, sources...) are documentation for people: the levels the suite
// checks recognitions against are those of levels.yaml. `set.phase` is the
// programme phase the set belongs to ("2021-2025"), required: the phases the
// catalogs name are the only multi-year periods reports and targets accept.
type rawNational struct {
	Set struct {
		Code               string      `yaml:"code"`
		UnitType           string      `yaml:"unit_type"`
		Phase              string      `yaml:"phase"`
		NameVI             string      `yaml:"name_vi"`
		NameEN             string      `yaml:"name_en"`
		AppliesFrom        string      `yaml:"applies_from"`
		AppliesTo          string      `yaml:"applies_to"`
		SupersededBy       string      `yaml:"superseded_by"`
		Supersedes         string      `yaml:"supersedes"`
		ThresholdDimension string      `yaml:"threshold_dimension"`
		RegionsFrom        string      `yaml:"regions_from"`
		LegalBasis         []yaml.Node `yaml:"legal_basis"`
		ReportBands        struct {
			Bands []rawBand `yaml:"bands"`
		} `yaml:"report_bands"`
	} `yaml:"set"`
	Regions       []struct{ Code string } `yaml:"regions"`
	CommuneGroups []struct{ Code string } `yaml:"commune_groups"`
	Criteria      []yaml.Node             `yaml:"criteria"`
	Placeholder   yaml.Node               `yaml:"indicators_placeholder"`
}

type rawCriterion struct {
	Code       string      `yaml:"code"`
	NameVI     string      `yaml:"name_vi"`
	NameEN     string      `yaml:"name_en"`
	Confirmed  bool        `yaml:"confirmed"`
	Indicators []yaml.Node `yaml:"indicators"`
}

type rawIndicator struct {
	Code      string    `yaml:"code"`
	NameVI    string    `yaml:"name_vi"`
	NameEN    string    `yaml:"name_en"`
	Kind      string    `yaml:"kind"`
	Unit      string    `yaml:"unit"`
	Threshold yaml.Node `yaml:"threshold"`
	Synthetic yaml.Node `yaml:"synthetic_default"`
	Confirmed bool      `yaml:"confirmed"`
	Note      string    `yaml:"note"`
}

// nationalDraft is a national file read but not yet resolved: its scopes may
// come from another file (regions_from) and its end date from its successor.
type nationalDraft struct {
	src    source
	fsIdx  int
	file   string // base name, what regions_from refers to
	raw    rawNational
	set    *Set
	hasEnd bool // applies_to was given
}

func (f source) readNational(root *yaml.Node, fsIdx int, file string) (*nationalDraft, error) {
	d := &nationalDraft{src: f, fsIdx: fsIdx, file: file}
	if err := f.Decode(root, "", &d.raw); err != nil {
		return nil, err
	}
	rs := &d.raw.Set
	s := &Set{Code: rs.Code, Name: rs.NameVI, NameEN: rs.NameEN, Dimension: DimRegion, UnitType: UnitCommune}
	if s.Code == "" {
		return nil, f.Errf("set.code", nil, "missing")
	}
	if rs.UnitType != "" {
		var err error
		if s.UnitType, err = f.unitType(rs.UnitType, "set.unit_type", nil); err != nil {
			return nil, err
		}
	}
	if s.Name == "" {
		return nil, f.Errf("set.name_vi", nil, "missing")
	}
	var err error
	if s.Phase, err = f.phase(rs.Phase); err != nil {
		return nil, err
	}
	switch rs.ThresholdDimension {
	case "", string(DimRegion):
	case string(DimCommuneGroup):
		s.Dimension = DimCommuneGroup
	default:
		return nil, f.Errf("set.threshold_dimension", nil, "%q is not region or commune_group", rs.ThresholdDimension)
	}
	if s.Valid.From, err = f.Date("set.applies_from", rs.AppliesFrom, true); err != nil {
		return nil, err
	}
	if to, err := f.Date("set.applies_to", rs.AppliesTo, false); err != nil {
		return nil, err
	} else if !to.IsZero() {
		// applies_to is the last day in force; Range.To is exclusive.
		s.Valid.To, d.hasEnd = to.AddDays(1), true
		if !s.Valid.From.Before(s.Valid.To) {
			return nil, f.Errf("set.applies_to", nil, "%s is before applies_from %s", rs.AppliesTo, rs.AppliesFrom)
		}
	}
	if s.LegalBasis, err = f.legalBasis(rs.LegalBasis, "set.legal_basis"); err != nil {
		return nil, err
	}
	d.set = s
	return d, nil
}

// phase reads set.phase, a span of years as platform/period reads one
// ("2016-2020"): a year or a half is not a phase.
func (f source) phase(s string) (period.Period, error) {
	if s == "" {
		return period.Period{}, f.Errf("set.phase", nil, `missing: the programme phase the set belongs to, e.g. "2021-2025"`)
	}
	p, err := period.Parse(s)
	if err != nil {
		return p, f.Errf("set.phase", nil, "%v", err)
	}
	if p.Kind != period.Phase {
		return p, f.Errf("set.phase", nil, `%q is not a phase: write its first and last years, e.g. "2021-2025"`, s)
	}
	return p, nil
}

// legalBasis reads a list of documents: plain strings, or mappings with `doc`.
func (f source) legalBasis(nodes []yaml.Node, path string) ([]string, error) {
	var out []string
	for i := range nodes {
		n := deref(&nodes[i])
		p := index(path, i)
		switch n.Kind {
		case yaml.ScalarNode:
			out = append(out, n.Value)
		case yaml.MappingNode:
			var doc struct {
				Doc string `yaml:"doc"`
			}
			if err := f.Decode(n, p, &doc); err != nil {
				return nil, err
			}
			if doc.Doc == "" {
				return nil, f.Errf(key(p, "doc"), n, "missing")
			}
			out = append(out, doc.Doc)
		default:
			return nil, f.Errf(p, n, "expected a document number or {doc: ...}")
		}
	}
	return out, nil
}

// scopes are the region codes (own list, or regions_from another national
// file) or the commune groups of the draft's set.
func (d *nationalDraft) scopes(all []*nationalDraft) ([]string, error) {
	codes := func(list []struct{ Code string }) []string {
		var out []string
		for _, r := range list {
			out = append(out, r.Code)
		}
		return out
	}
	if d.set.Dimension == DimCommuneGroup {
		if len(d.raw.CommuneGroups) == 0 {
			return nil, d.src.Errf("commune_groups", nil, "missing for a set with threshold_dimension commune_group")
		}
		return codes(d.raw.CommuneGroups), nil
	}
	if len(d.raw.Regions) > 0 {
		return codes(d.raw.Regions), nil
	}
	if from := d.raw.Set.RegionsFrom; from != "" {
		// Prefer the file of the same fs: a --catalog-dir may ship its own copy.
		for _, sameFS := range []bool{true, false} {
			for _, o := range all {
				if (o.fsIdx == d.fsIdx) == sameFS && o.file == from && len(o.raw.Regions) > 0 {
					return codes(o.raw.Regions), nil
				}
			}
		}
		return nil, d.src.Errf("set.regions_from", nil, "no loaded file %q with a regions list", from)
	}
	return nil, d.src.Errf("regions", nil, "missing (or set.regions_from)")
}

// buildCriteria reads the criteria and indicators of a national file.
func (d *nationalDraft) buildCriteria() error {
	f, s := d.src, d.set
	sc := scoping{dim: s.Dimension, scopes: s.Scopes}
	var placeholders map[string][]Indicator
	if !isNull(&d.raw.Placeholder) {
		var err error
		if placeholders, err = f.placeholders(&d.raw.Placeholder, "indicators_placeholder", s.Dimension, s.Scopes); err != nil {
			return err
		}
	}
	for i := range d.raw.Criteria {
		path := index("criteria", i)
		var rc rawCriterion
		if err := f.Decode(&d.raw.Criteria[i], path, &rc); err != nil {
			return err
		}
		if rc.Code == "" {
			return f.Errf(key(path, "code"), &d.raw.Criteria[i], "missing")
		}
		if rc.NameVI == "" {
			return f.Errf(key(path, "name_vi"), &d.raw.Criteria[i], "missing")
		}
		if _, _, dup := s.Criterion(rc.Code); dup {
			return f.Errf(key(path, "code"), &d.raw.Criteria[i], "criterion %q appears twice", rc.Code)
		}
		c := Criterion{Code: rc.Code, Name: rc.NameVI, NameEN: rc.NameEN, Confirmed: rc.Confirmed}
		for j := range rc.Indicators {
			inds, err := f.indicator(&rc.Indicators[j], index(key(path, "indicators"), j), sc)
			if err != nil {
				return err
			}
			for _, ind := range inds {
				if _, _, dup := s.Indicator(ind.Code); dup || slices.ContainsFunc(c.Indicators, func(o Indicator) bool { return o.Code == ind.Code }) {
					return f.Errf(key(index(key(path, "indicators"), j), "code"), &rc.Indicators[j], "indicator %q appears twice", ind.Code)
				}
				c.Indicators = append(c.Indicators, ind)
			}
		}
		// Indicators listed in the file win over placeholders, so the official
		// list can replace the placeholders one criterion at a time.
		if len(c.Indicators) == 0 {
			c.Indicators = placeholders[c.Code]
			delete(placeholders, c.Code)
		}
		if len(c.Indicators) == 0 {
			return f.Errf(key(path, "indicators"), &d.raw.Criteria[i], "criterion %q has no indicators", c.Code)
		}
		s.Criteria = append(s.Criteria, c)
	}
	for code := range placeholders {
		if _, _, ok := s.Criterion(code); !ok {
			return f.Errf(key("indicators_placeholder.per_criterion", code), nil, "no criterion %q in this set", code)
		}
	}
	if len(s.Criteria) == 0 {
		return f.Errf("criteria", nil, "missing")
	}
	return nil
}

// indicator reads one indicator; the two-part water threshold of 2016-2020
// (clean_water_subset_by_region) becomes a second indicator "<code>b", so a
// criterion is met only when both parts are.
func (f source) indicator(n *yaml.Node, path string, sc scoping) ([]Indicator, error) {
	var ri rawIndicator
	if err := f.Decode(n, path, &ri); err != nil {
		return nil, err
	}
	if ri.Code == "" {
		return nil, f.Errf(key(path, "code"), n, "missing")
	}
	ind := Indicator{Code: ri.Code, Name: ri.NameVI, NameEN: ri.NameEN, Kind: Kind(ri.Kind), Unit: ri.Unit, Confirmed: ri.Confirmed, Note: ri.Note}
	if ind.Name == "" {
		ind.Name = ind.NameEN // many 2016-2020 indicators have no Vietnamese wording in the file
	}
	if ind.Name == "" {
		return nil, f.Errf(key(path, "name_vi"), n, "missing (and no name_en)")
	}
	if !slices.Contains([]Kind{KindBoolean, KindPercent, KindAmount, KindCount}, ind.Kind) {
		return nil, f.Errf(key(path, "kind"), n, "%q is not one of boolean, percent, amount, count", ri.Kind)
	}
	tp := key(path, "threshold")
	if isNull(&ri.Threshold) {
		return nil, f.Errf(tp, n, "missing")
	}
	b, err := f.readThreshold(&ri.Threshold, tp, sc, "")
	if err != nil {
		return nil, err
	}
	if (ind.Kind == KindBoolean) != (b.op == OpBool) {
		return nil, f.Errf(key(tp, "op"), &ri.Threshold, "op %q does not fit kind %q (op bool is for kind boolean only)", b.op, ind.Kind)
	}
	ind.Op = b.op
	if b.hasUnit {
		ind.Unit = b.unit
	}
	for i := range b.rows {
		b.rows[i].Confirmed = ind.Confirmed
	}
	synth, err := f.syntheticRows(&ri.Synthetic, key(path, "synthetic_default"), sc, b.op == OpBool)
	if err != nil {
		return nil, err
	}
	ind.Thresholds = withSynthetic(b.rows, synth)
	if len(ind.Thresholds) == 0 {
		return nil, f.Errf(tp, &ri.Threshold, "no value for any %s and no synthetic_default", sc.dim)
	}
	out := []Indicator{ind}
	if len(b.subset) > 0 {
		out = append(out, waterSubset(ind, b.subset))
	}
	return out, nil
}

func waterSubset(parent Indicator, rows []Threshold) Indicator {
	for i := range rows {
		rows[i].Confirmed = parent.Confirmed
	}
	return Indicator{
		Code:       parent.Code + "b",
		Name:       "Tỷ lệ hộ được sử dụng nước sạch theo quy định",
		NameEN:     "Households using clean water (subset of " + parent.Code + ")",
		Kind:       parent.Kind,
		Op:         parent.Op,
		Unit:       parent.Unit,
		Thresholds: rows,
		Confirmed:  parent.Confirmed,
		Note:       "second part of the two-part threshold of " + parent.Code,
	}
}
