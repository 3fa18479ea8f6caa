package catalog

import (
	"go.yaml.in/yaml/v3"

	"github.com/ntmsuite/ntm/platform/date"
)

// A provincial variant (schema ntm-criteria-province/v1) is a province's
// re-issue of a national set with its own thresholds (e.g. Hòa Bình
// 816/QĐ-UBND of 2017 for the 2016-2020 set). Evaluation in a province uses
// the province's decision, so a province loads its values by dropping such a
// file into the service's --catalog-dir; no code changes. Sample:
// testdata/province/hoa-binh-2016-2020.yaml.
//
//	schema: ntm-criteria-province/v1
//	code: NTM_COMMUNE_2016_2020_P17       # unique set code
//	name_vi: "Bộ tiêu chí xã NTM tỉnh ..."
//	name_en: "..."                        # optional
//	province_code: "17"
//	base: NTM_COMMUNE_2016_2020           # the national set it re-issues
//	applies_from: 2017-05-19              # optional; default: the base's start
//	applies_to: 2022-03-07                # optional, last day in force; default: the base's end
//	legal_basis: ["816/QĐ-UBND"]          # document numbers, or {doc: ...}
//	note: "..."                           # optional
//	thresholds:                           # indicator code -> threshold
//	  "10.1": {by_year_and_region: {2020: {TDMNPB: 38}}, confirmed: true}
//	  "2.2":  {default: 75}
//
// A threshold has the shapes of the national files (default, national,
// by_region, by_group, by_year_and_region, clean_water_subset_by_region) plus
// `confirmed` (default false: a value is unconfirmed until someone says it
// was checked against the decision). op and unit may be repeated but must
// equal the base's: a province changes values, not what is compared.
//
// An indicator listed here takes only the province's thresholds (the
// decision is the law for it), so list every region or group the province's
// communes need — usually one `default`, since a province lies in one
// region. Indicators not listed keep the base's thresholds; criteria, bands,
// dimension, unit type and levels always come from the base. A variant ends at the base's end
// or when the same province's next variant starts, whichever is first.
type rawProvince struct {
	Schema       string      `yaml:"schema"`
	Code         string      `yaml:"code"`
	NameVI       string      `yaml:"name_vi"`
	NameEN       string      `yaml:"name_en"`
	ProvinceCode string      `yaml:"province_code"`
	Base         string      `yaml:"base"`
	AppliesFrom  string      `yaml:"applies_from"`
	AppliesTo    string      `yaml:"applies_to"`
	LegalBasis   []yaml.Node `yaml:"legal_basis"`
	Note         string      `yaml:"note"`
	Thresholds   yaml.Node   `yaml:"thresholds"`
}

type provinceDraft struct {
	src   source
	fsIdx int
	raw   rawProvince
}

func (f source) readProvince(data []byte, fsIdx int) (*provinceDraft, error) {
	d := &provinceDraft{src: f, fsIdx: fsIdx}
	if err := f.strictDecode(data, &d.raw); err != nil {
		return nil, err
	}
	for _, kv := range [][2]string{{"code", d.raw.Code}, {"name_vi", d.raw.NameVI}, {"province_code", d.raw.ProvinceCode}, {"base", d.raw.Base}} {
		if kv[1] == "" {
			return nil, f.Errf(kv[0], nil, "missing")
		}
	}
	return d, nil
}

// build makes the variant from its base national set.
func (d *provinceDraft) build(base *Set) (*Set, error) {
	f, r := d.src, d.raw
	s := &Set{
		Code: r.Code, Name: r.NameVI, NameEN: r.NameEN, Dimension: base.Dimension, Scopes: base.Scopes,
		ProvinceCode: r.ProvinceCode, Base: base.Code, Criteria: cloneCriteria(base.Criteria),
		Bands: base.Bands, Below: base.Below, Valid: base.Valid, UnitType: base.UnitType, Levels: base.Levels,
		Phase: base.Phase,
	}
	var err error
	if s.LegalBasis, err = f.legalBasis(r.LegalBasis, "legal_basis"); err != nil {
		return nil, err
	}
	if from, err := f.Date("applies_from", r.AppliesFrom, false); err != nil {
		return nil, err
	} else if !from.IsZero() {
		if !base.Valid.Contains(from) {
			return nil, f.Errf("applies_from", nil, "%s is outside the validity of %s (%s)", from, base.Code, rangeString(base.Valid))
		}
		s.Valid.From = from
	}
	if to, err := f.Date("applies_to", r.AppliesTo, false); err != nil {
		return nil, err
	} else if !to.IsZero() {
		end := to.AddDays(1)
		if !s.Valid.From.Before(end) || (!base.Valid.To.IsZero() && base.Valid.To.Before(end)) {
			return nil, f.Errf("applies_to", nil, "%s must fall within %s", to, rangeString(s.Valid))
		}
		s.Valid.To = end
	}
	if err := d.applyThresholds(s); err != nil {
		return nil, err
	}
	return s, nil
}

func (d *provinceDraft) applyThresholds(s *Set) error {
	f := d.src
	ps, err := f.pairs(&d.raw.Thresholds, "thresholds")
	if err != nil {
		return err
	}
	sc := scoping{dim: s.Dimension, scopes: s.Scopes}
	seen := map[string]bool{}
	for _, p := range ps {
		path := key("thresholds", p.key)
		ind, _, ok := s.Indicator(p.key)
		if !ok {
			return f.Errf(path, p.k, "no indicator %q in %s", p.key, s.Base)
		}
		if seen[p.key] {
			return f.Errf(path, p.k, "given twice")
		}
		seen[p.key] = true
		b, err := f.readThreshold(p.v, path, sc, ind.Op)
		if err != nil {
			return err
		}
		if b.hasOp && b.op != ind.Op {
			return f.Errf(key(path, "op"), p.v, "%q differs from the base's %q", b.op, ind.Op)
		}
		if b.hasUnit && b.unit != ind.Unit {
			return f.Errf(key(path, "unit"), p.v, "%q differs from the base's %q", b.unit, ind.Unit)
		}
		if len(b.rows) == 0 && len(b.subset) == 0 {
			return f.Errf(path, p.v, "no value")
		}
		confirmed := b.confirmed != nil && *b.confirmed
		if len(b.rows) > 0 {
			setRows(ind, b.rows, confirmed)
		}
		if len(b.subset) > 0 {
			sub, _, ok := s.Indicator(p.key + "b")
			if !ok {
				return f.Errf(key(path, "clean_water_subset_by_region"), p.v, "%s has no two-part threshold", p.key)
			}
			setRows(sub, b.subset, confirmed)
		}
	}
	return nil
}

func setRows(ind *Indicator, rows []Threshold, confirmed bool) {
	for i := range rows {
		rows[i].Confirmed = confirmed
	}
	ind.Thresholds, ind.Confirmed = rows, confirmed
}

func cloneCriteria(cs []Criterion) []Criterion {
	out := make([]Criterion, len(cs))
	for i, c := range cs {
		c.Indicators = append([]Indicator(nil), c.Indicators...)
		for j := range c.Indicators {
			c.Indicators[j].Thresholds = append([]Threshold(nil), c.Indicators[j].Thresholds...)
		}
		out[i] = c
	}
	return out
}

func rangeString(r date.Range) string {
	if r.To.IsZero() {
		return "from " + r.From.String()
	}
	return r.From.String() + " to " + r.To.AddDays(-1).String()
}
