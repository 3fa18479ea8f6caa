package catalog

import (
	"fmt"
	"slices"
	"sort"

	"github.com/ntmsuite/ntm/platform/date"
)

func (l *loader) build() (*Catalog, error) {
	for _, s := range []struct {
		key string
		set bool
	}{{"catalogs", len(l.sets) > 0}, {"product_groups_2023", l.groups.set}, {"star_bands", l.bands.set}, {"councils", l.periods.set}, {"certificate", l.certificate.set}} {
		if !s.set {
			return nil, fmt.Errorf("OCOP catalogs: no file gives %s (schema %s)", s.key, Schema)
		}
	}
	b := l.bands.val
	c := &Catalog{
		ProductGroups:      l.groups.val,
		Bands:              b.bands,
		CertifiedFromStars: b.certifiedFrom,
		Certificate:        l.certificate.val.rules,
	}
	drafts := make([]*setDraft, 0, len(l.sets))
	for _, d := range l.sets {
		drafts = append(drafts, d)
	}
	if err := placeSets(drafts); err != nil {
		return nil, err
	}
	top := b.bands[len(b.bands)-1].Below
	var docs []datedDoc
	for _, d := range drafts {
		if top <= d.set.TotalMax {
			return nil, l.bands.src.Errf("star_bands.bands", nil, "the last band ends below %v, so a full score of %s (%v) has no stars", top, d.set.Code, d.set.TotalMax)
		}
		d.set.Bands = c.Bands
		c.Sets = append(c.Sets, d.set)
		docs = append(docs, d.docs...)
	}
	periods, err := l.placePeriods(c.Sets[0].Valid.From, docs)
	if err != nil {
		return nil, err
	}
	c.Periods = periods
	if err := l.checkCertificate(); err != nil {
		return nil, err
	}
	return c, nil
}

// placeSets orders the sets by start date; a set without applies_to stays in
// force until the next one starts, and sets must follow one another without
// gaps or overlaps (an evaluation date has exactly one catalog).
func placeSets(drafts []*setDraft) error {
	sort.Slice(drafts, func(i, j int) bool {
		a, b := drafts[i].set, drafts[j].set
		if !a.Valid.From.Equal(b.Valid.From) {
			return a.Valid.From.Before(b.Valid.From)
		}
		return a.Code < b.Code
	})
	for i := 1; i < len(drafts); i++ {
		a, b := drafts[i-1], drafts[i]
		if err := follow(&a.set.Valid, b.set.Valid.From, a.src.Name+": "+a.path+" ("+a.set.Code+")", b.src.Name+": "+b.path+" ("+b.set.Code+")"); err != nil {
			return err
		}
	}
	return nil
}

// follow ends r where next starts when r has no end, and refuses a gap or
// an overlap.
func follow(r *date.Range, next date.Date, this, other string) error {
	if r.To.IsZero() {
		if !r.From.Before(next) {
			return fmt.Errorf("%s and %s both start on %s", this, other, next)
		}
		r.To = next
	}
	switch {
	case r.To.After(next):
		return fmt.Errorf("%s ends on %s, after %s starts on %s", this, r.To.AddDays(-1), other, next)
	case r.To.Before(next):
		return fmt.Errorf("%s ends on %s but %s starts only on %s: no rules in between", this, r.To.AddDays(-1), other, next)
	}
	return nil
}

// placePeriods dates the council periods (the first starts with the first
// catalog unless it says otherwise), names their decision, and checks that
// every certified star has exactly one certifying level in each period.
func (l *loader) placePeriods(firstCatalog date.Date, docs []datedDoc) ([]*CouncilPeriod, error) {
	drafts := l.periods.val
	if drafts[0].p.Valid.From.IsZero() {
		drafts[0].p.Valid.From = firstCatalog
		if !drafts[0].p.Valid.To.IsZero() && !firstCatalog.Before(drafts[0].p.Valid.To) {
			return nil, drafts[0].src.Errf(key(drafts[0].path, "applies_to"), nil, "ends before the first catalog starts on %s", firstCatalog)
		}
	}
	sort.SliceStable(drafts, func(i, j int) bool { return drafts[i].p.Valid.From.Before(drafts[j].p.Valid.From) })
	out := make([]*CouncilPeriod, len(drafts))
	for i, d := range drafts {
		if i+1 < len(drafts) {
			next := drafts[i+1]
			if err := follow(&d.p.Valid, next.p.Valid.From, d.src.Name+": "+d.path, next.src.Name+": "+next.path); err != nil {
				return nil, err
			}
		}
		d.p.Basis = basisOn(docs, d.p.Valid.From)
		if err := l.checkRules(d); err != nil {
			return nil, err
		}
		out[i] = d.p
	}
	return out, nil
}

// basisOn is the latest dated document on or before d.
func basisOn(docs []datedDoc, d date.Date) string {
	var best datedDoc
	for _, doc := range docs {
		if !doc.on.After(d) && (best.doc == "" || doc.on.After(best.on)) {
			best = doc
		}
	}
	return best.doc
}

func (l *loader) checkRules(d *periodDraft) error {
	from, top := l.bands.val.certifiedFrom, len(l.bands.val.bands)
	by := map[int]CouncilLevel{}
	for i, r := range d.p.Rules {
		path := key(d.rulePaths[i], "certifies_stars")
		for _, s := range r.CertifiesStars {
			if s < from || s > top {
				return d.src.Errf(path, nil, "%d stars are not certified (certificates are for %d to %d stars)", s, from, top)
			}
			if other, dup := by[s]; dup {
				return d.src.Errf(path, nil, "%d stars are also certified by %s in the same period", s, other)
			}
			by[s] = r.Level
		}
	}
	for s := from; s <= top; s++ {
		if _, ok := by[s]; !ok {
			return d.src.Errf(key(d.path, "rules"), nil, "no level certifies %d stars", s)
		}
	}
	return nil
}

func (l *loader) checkCertificate() error {
	cd := l.certificate.val
	if len(cd.appliesTo) == 0 {
		return nil
	}
	var want []int
	for s := l.bands.val.certifiedFrom; s <= len(l.bands.val.bands); s++ {
		want = append(want, s)
	}
	if !slices.Equal(cd.appliesTo, want) {
		return cd.src.Errf(cd.appliesToPath, nil, "%v differs from the certified stars %v (star_bands.certified_from_stars)", cd.appliesTo, want)
	}
	return nil
}
