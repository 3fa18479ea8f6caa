package catalog

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

func (f source) readGroupSection(n *yaml.Node, path string) ([]ProductGroup, error) {
	var r struct {
		Items yaml.Node `yaml:"items"`
	}
	if err := f.Decode(n, path, &r); err != nil {
		return nil, err
	}
	return f.groups(&r.Items, key(path, "items"), true)
}

// groups reads product groups or sectors; entries may carry documentation
// (sub-groups, notes) the service does not use.
func (f source) groups(n *yaml.Node, path string, required bool) ([]ProductGroup, error) {
	items, err := f.items(n, path)
	if err != nil {
		return nil, err
	}
	if required && len(items) == 0 {
		return nil, f.Errf(path, n, "missing")
	}
	var out []ProductGroup
	for i, it := range items {
		p := index(path, i)
		var g struct {
			Code   string `yaml:"code"`
			NameVI string `yaml:"name_vi"`
		}
		if err := f.Decode(it, p, &g); err != nil {
			return nil, err
		}
		switch {
		case g.Code == "":
			return nil, f.Errf(key(p, "code"), it, "missing")
		case g.NameVI == "":
			return nil, f.Errf(key(p, "name_vi"), it, "missing")
		case slices.ContainsFunc(out, func(o ProductGroup) bool { return o.Code == g.Code }):
			return nil, f.Errf(key(p, "code"), it, "group %q appears twice", g.Code)
		}
		out = append(out, ProductGroup{Code: g.Code, Name: g.NameVI})
	}
	return out, nil
}

type bandsDraft struct {
	bands         []StarBand
	certifiedFrom int
}

// readBands reads bands that start at 0 and follow one another (each band's
// below is the next one's min) with stars 1, 2, 3...
func (f source) readBands(n *yaml.Node, path string) (bandsDraft, error) {
	var r struct {
		Bands         yaml.Node `yaml:"bands"`
		CertifiedFrom yaml.Node `yaml:"certified_from_stars"`
	}
	if err := f.Decode(n, path, &r); err != nil {
		return bandsDraft{}, err
	}
	bp := key(path, "bands")
	items, err := f.items(&r.Bands, bp)
	if err != nil {
		return bandsDraft{}, err
	}
	if len(items) == 0 {
		return bandsDraft{}, f.Errf(bp, n, "missing")
	}
	var d bandsDraft
	for i, it := range items {
		p := index(bp, i)
		if err := f.known(it, p, "stars", "min", "below", "label_vi"); err != nil {
			return bandsDraft{}, err
		}
		var b struct {
			Stars yaml.Node `yaml:"stars"`
			Min   yaml.Node `yaml:"min"`
			Below yaml.Node `yaml:"below"`
			Label string    `yaml:"label_vi"`
		}
		if err := f.Decode(it, p, &b); err != nil {
			return bandsDraft{}, err
		}
		band := StarBand{Label: b.Label}
		if band.Stars, err = f.integer(&b.Stars, key(p, "stars"), 1); err != nil {
			return bandsDraft{}, err
		}
		if band.Stars != i+1 {
			return bandsDraft{}, f.Errf(key(p, "stars"), &b.Stars, "%d: bands must give stars 1, 2, 3... in order", band.Stars)
		}
		min, ok, err := f.number(&b.Min, key(p, "min"))
		if err != nil {
			return bandsDraft{}, err
		}
		if !ok {
			return bandsDraft{}, f.Errf(key(p, "min"), it, "missing")
		}
		if i == 0 && min != 0 {
			return bandsDraft{}, f.Errf(key(p, "min"), &b.Min, "%v: the first band must start at 0", min)
		}
		if i > 0 && min != d.bands[i-1].Below {
			return bandsDraft{}, f.Errf(key(p, "min"), &b.Min, "%v: must be the previous band's below (%v)", min, d.bands[i-1].Below)
		}
		band.Min = min
		if band.Below, err = f.positive(&b.Below, key(p, "below")); err != nil {
			return bandsDraft{}, err
		}
		if band.Below <= band.Min {
			return bandsDraft{}, f.Errf(key(p, "below"), &b.Below, "%v is not above min %v", band.Below, band.Min)
		}
		d.bands = append(d.bands, band)
	}
	if d.certifiedFrom, err = f.integer(&r.CertifiedFrom, key(path, "certified_from_stars"), 1); err != nil {
		return bandsDraft{}, err
	}
	if d.certifiedFrom > len(d.bands) {
		return bandsDraft{}, f.Errf(key(path, "certified_from_stars"), &r.CertifiedFrom, "%d is above the highest band (%d stars)", d.certifiedFrom, len(d.bands))
	}
	return d, nil
}

type certificateDraft struct {
	rules CertificateRules
	// appliesTo are the certificate's stars as the file lists them; they
	// must agree with the star bands' certified_from_stars.
	appliesTo     []int
	appliesToPath string
	src           source
}

func (f source) readCertificate(n *yaml.Node, path string) (certificateDraft, error) {
	var r struct {
		ValidMonths yaml.Node `yaml:"valid_months"`
		AppliesTo   yaml.Node `yaml:"applies_to_stars"`
		Renewal     struct {
			NoticeDays yaml.Node `yaml:"notice_days_before_expiry"`
		} `yaml:"renewal"`
	}
	if err := f.Decode(n, path, &r); err != nil {
		return certificateDraft{}, err
	}
	d := certificateDraft{src: f, appliesToPath: key(path, "applies_to_stars")}
	var err error
	if d.rules.ValidMonths, err = f.integer(&r.ValidMonths, key(path, "valid_months"), 1); err != nil {
		return certificateDraft{}, err
	}
	if d.rules.NoticeDays, err = f.integer(&r.Renewal.NoticeDays, key(path, "renewal.notice_days_before_expiry"), 0); err != nil {
		return certificateDraft{}, err
	}
	stars, err := f.items(&r.AppliesTo, d.appliesToPath)
	if err != nil {
		return certificateDraft{}, err
	}
	for j, s := range stars {
		v, err := f.integer(s, index(d.appliesToPath, j), 1)
		if err != nil {
			return certificateDraft{}, err
		}
		d.appliesTo = append(d.appliesTo, v)
	}
	return d, nil
}
