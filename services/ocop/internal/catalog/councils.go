package catalog

import "go.yaml.in/yaml/v3"

// periodDraft is a council period read but not yet placed: its start may be
// the first catalog's, its end the next period's start.
type periodDraft struct {
	src       source
	path      string
	p         *CouncilPeriod
	rulePaths []string
}

func (f source) readCouncils(n *yaml.Node, path string) ([]*periodDraft, error) {
	items, err := f.items(n, path)
	if err != nil {
		return nil, err
	}
	var out []*periodDraft
	for i, it := range items {
		p := index(path, i)
		var r struct {
			Period      string    `yaml:"period"`
			AppliesFrom string    `yaml:"applies_from"`
			AppliesTo   string    `yaml:"applies_to"`
			Confirmed   bool      `yaml:"confirmed"`
			Rules       yaml.Node `yaml:"rules"`
		}
		if err := f.Decode(it, p, &r); err != nil {
			return nil, err
		}
		d := &periodDraft{src: f, path: p, p: &CouncilPeriod{Name: r.Period, Confirmed: r.Confirmed}}
		// Only the first period may leave its start to the first catalog.
		if d.p.Valid.From, err = f.Date(key(p, "applies_from"), r.AppliesFrom, i > 0); err != nil {
			return nil, err
		}
		if d.p.Valid.To, err = f.lastDay(key(p, "applies_to"), r.AppliesTo); err != nil {
			return nil, err
		}
		if !d.p.Valid.From.IsZero() && !d.p.Valid.To.IsZero() && !d.p.Valid.From.Before(d.p.Valid.To) {
			return nil, f.Errf(key(p, "applies_to"), it, "%s is before applies_from %s", r.AppliesTo, r.AppliesFrom)
		}
		if err := f.readRules(d, &r.Rules, key(p, "rules")); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, f.Errf(path, n, "missing")
	}
	return out, nil
}

func (f source) readRules(d *periodDraft, n *yaml.Node, path string) error {
	items, err := f.items(n, path)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return f.Errf(path, n, "missing")
	}
	for i, it := range items {
		p := index(path, i)
		if err := f.known(it, p, "level", "role", "certifies_stars", "min_points_to_propose", "note"); err != nil {
			return err
		}
		var r struct {
			Level     string    `yaml:"level"`
			Role      string    `yaml:"role"`
			Stars     yaml.Node `yaml:"certifies_stars"`
			MinPoints yaml.Node `yaml:"min_points_to_propose"`
		}
		if err := f.Decode(it, p, &r); err != nil {
			return err
		}
		rule := CouncilRule{Role: r.Role}
		var ok bool
		if rule.Level, ok = ParseCouncilLevel(r.Level); !ok {
			return f.Errf(key(p, "level"), it, "%q is not COMMUNE, DISTRICT, PROVINCE or CENTRAL", r.Level)
		}
		if _, dup := d.p.Rule(rule.Level); dup {
			return f.Errf(key(p, "level"), it, "%s appears twice in the period", rule.Level)
		}
		stars, err := f.items(&r.Stars, key(p, "certifies_stars"))
		if err != nil {
			return err
		}
		for j, s := range stars {
			v, err := f.integer(s, index(key(p, "certifies_stars"), j), 1)
			if err != nil {
				return err
			}
			rule.CertifiesStars = append(rule.CertifiesStars, v)
		}
		if min, ok, err := f.number(&r.MinPoints, key(p, "min_points_to_propose")); err != nil {
			return err
		} else if ok && min < 0 {
			return f.Errf(key(p, "min_points_to_propose"), &r.MinPoints, "%v is negative", min)
		} else {
			rule.MinPointsToPropose = min
		}
		d.p.Rules = append(d.p.Rules, rule)
		d.rulePaths = append(d.rulePaths, p)
	}
	return nil
}
