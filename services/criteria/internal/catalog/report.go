package catalog

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// report.yaml (schema ntm-criteria-report/v1) gives, per set code, the bands
// of "criteria met per commune" and the "under N criteria" counts reports
// quote. It is data and not part of the national files because it is office
// practice, not law:
//
//	schema: ntm-criteria-report/v1
//	sets:
//	  NTM_COMMUNE_2021_2025:
//	    report_bands: [{label: "19", min: 19, max: 19}, ...]   # cover 0..N once
//	    report_below: [5, 10, 15]
//
// A set with no entry keeps the report_bands of its own file, if any.

type rawBand struct {
	Label string `yaml:"label"`
	Min   *int   `yaml:"min"`
	Max   *int   `yaml:"max"`
}

type rawReportEntry struct {
	Bands     []rawBand `yaml:"report_bands"`
	Below     []int     `yaml:"report_below"`
	Confirmed bool      `yaml:"confirmed"`
	Note      string    `yaml:"note"`
}

// reportEntry is one set's entry, with where it came from.
type reportEntry struct {
	origin
	raw rawReportEntry
}

func (f source) readReport(data []byte, fsIdx int) (map[string]reportEntry, error) {
	var doc struct {
		Schema string                    `yaml:"schema"`
		Sets   map[string]rawReportEntry `yaml:"sets"`
	}
	if err := f.strictDecode(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]reportEntry{}
	for code, raw := range doc.Sets {
		out[code] = reportEntry{origin: origin{src: f, path: key("sets", code), fsIdx: fsIdx}, raw: raw}
	}
	return out, nil
}

// strictDecode refuses unknown keys: files of the suite's own schemas are
// small, and a misspelt key must not be silently ignored.
func (f source) strictDecode(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return f.Errf("", nil, "%v", err)
	}
	return nil
}

// apply sets the bands and the "under N" counts of s.
func (e reportEntry) apply(s *Set) error {
	bands, err := e.src.bands(e.raw.Bands, key(e.path, "report_bands"), len(s.Criteria))
	if err != nil {
		return err
	}
	n := len(s.Criteria)
	for i, b := range e.raw.Below {
		if b < 1 || b > n || (i > 0 && b <= e.raw.Below[i-1]) {
			return e.src.Errf(index(key(e.path, "report_below"), i), nil, "%d: counts must be ascending, within 1..%d", b, n)
		}
	}
	s.Bands, s.Below = bands, append([]int(nil), e.raw.Below...)
	return nil
}

// bands checks that every number of criteria met, 0..n, falls in exactly one band.
func (f source) bands(raw []rawBand, path string, total int) ([]Band, error) {
	if len(raw) == 0 {
		return nil, f.Errf(path, nil, "missing")
	}
	covered := make([]int, total+1)
	out := make([]Band, 0, len(raw))
	for i, r := range raw {
		p := index(path, i)
		switch {
		case r.Label == "":
			return nil, f.Errf(key(p, "label"), nil, "missing")
		case r.Min == nil || r.Max == nil:
			return nil, f.Errf(p, nil, "min and max are required")
		case *r.Min < 0 || *r.Min > *r.Max || *r.Max > total:
			return nil, f.Errf(p, nil, "min %d, max %d: need 0 <= min <= max <= %d", *r.Min, *r.Max, total)
		}
		for _, b := range out {
			if b.Label == r.Label {
				return nil, f.Errf(key(p, "label"), nil, "%q appears twice", r.Label)
			}
		}
		for m := *r.Min; m <= *r.Max; m++ {
			covered[m]++
		}
		out = append(out, Band{Label: r.Label, Min: *r.Min, Max: *r.Max})
	}
	for m, c := range covered {
		if c != 1 {
			return nil, f.Errf(path, nil, "%d criteria met falls in %d bands; bands must cover 0..%d once each", m, c, total)
		}
	}
	return out, nil
}
