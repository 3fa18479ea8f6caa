package catalog

import "go.yaml.in/yaml/v3"

// sheet sets s.Lines from the entry's `lines` (confirmed per line) or from
// the file's synthetic sheet (never confirmed); with neither, the set is
// scored per part.
func (f source) sheet(s *Set, lines *yaml.Node, linesPath string, synthetic *yaml.Node) error {
	n, path, synth := lines, linesPath, false
	if !isNull(synthetic) {
		if !isNull(lines) {
			return f.Errf(linesPath, lines, "%s also has %s%s: give one sheet", s.Code, syntheticPrefix, s.Code)
		}
		n, path, synth = synthetic, syntheticPrefix+s.Code, true
	}
	items, err := f.items(n, path)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		s.PerPart = true
		for _, p := range s.Parts {
			s.Lines = append(s.Lines, Line{Code: p.Code, Part: p.Code, Name: p.Name, MaxPoints: p.MaxPoints, Confirmed: p.Confirmed})
		}
		return nil
	}
	allowed := []string{"part", "code", "name_vi", "name_en", "max_points", "note"}
	if !synth {
		allowed = append(allowed, "confirmed") // a synthetic line never is
	}
	sums := map[string]float64{}
	for i, it := range items {
		p := index(path, i)
		l, err := f.line(it, p, s, allowed)
		if err != nil {
			return err
		}
		sums[l.Part] += l.MaxPoints
		s.Lines = append(s.Lines, l)
	}
	// A part whose lines cannot reach its maximum is a typo in the sheet.
	// Lines may add up to more: the part maximum then caps the part (Score).
	for _, part := range s.Parts {
		if sums[part.Code] < part.MaxPoints-1e-9 {
			return f.Errf(path, n, "the lines of part %s add up to %v, below the part's maximum %v", part.Code, sums[part.Code], part.MaxPoints)
		}
	}
	return nil
}

func (f source) line(n *yaml.Node, path string, s *Set, allowed []string) (Line, error) {
	if err := f.known(n, path, allowed...); err != nil {
		return Line{}, err
	}
	var r struct {
		Part      string    `yaml:"part"`
		Code      string    `yaml:"code"`
		NameVI    string    `yaml:"name_vi"`
		Max       yaml.Node `yaml:"max_points"`
		Confirmed bool      `yaml:"confirmed"`
	}
	if err := f.Decode(n, path, &r); err != nil {
		return Line{}, err
	}
	// Offices read line names (evaluations, the next-star hint): a line
	// needs its Vietnamese name, as a part does; name_en documents the file.
	l := Line{Code: r.Code, Part: r.Part, Name: r.NameVI, Confirmed: r.Confirmed}
	switch {
	case l.Code == "":
		return Line{}, f.Errf(key(path, "code"), n, "missing")
	case l.Name == "":
		return Line{}, f.Errf(key(path, "name_vi"), n, "missing")
	}
	if _, _, dup := s.Line(l.Code); dup {
		return Line{}, f.Errf(key(path, "code"), n, "line %q appears twice", l.Code)
	}
	part, ok := s.Part(l.Part)
	if !ok {
		return Line{}, f.Errf(key(path, "part"), n, "no part %q in %s", l.Part, s.Code)
	}
	var err error
	if l.MaxPoints, err = f.positive(&r.Max, key(path, "max_points")); err != nil {
		return Line{}, err
	}
	if l.MaxPoints > part.MaxPoints {
		return Line{}, f.Errf(key(path, "max_points"), &r.Max, "%v is above the maximum %v of part %s", l.MaxPoints, part.MaxPoints, part.Code)
	}
	return l, nil
}
