// Package trend reads the communes' criteria statuses recorded under one set
// as criteria of a later set, through the crosswalks of the catalog, and
// builds the series "communes meeting each criterion, date by date". It is
// pure: the criteria service gives it the catalog and the states of the
// communes on each date (package server), nothing is read or written here.
//
// A verdict is never converted: a point counted from an older set is "the
// communes whose older criteria standing for this one were met under the
// mapping's rule", labelled with that set, whether every mapping on the way
// is confirmed, and approximate where one of them covers the criterion only
// partly. Where nothing in the older set stands for a criterion the point is
// missing, never zero.
package trend

import (
	"fmt"

	"github.com/ntmsuite/ntm/services/criteria/internal/catalog"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// Verdict is whether a commune meets a mapped criterion: Unknown where a
// status it depends on was not recorded.
type Verdict uint8

const (
	Unknown Verdict = iota
	Met
	NotMet
)

// Reading is how one criterion of the target set is read from the statuses
// of a source set (the target set itself, or an older one).
type Reading struct {
	Code, Name string // the target criterion
	// Missing: nothing in the source set stands for the criterion.
	Missing bool
	// Confirmed: every mapping on the way is confirmed (true when the source
	// is the target set itself).
	Confirmed bool
	// Approximate: a mapping on the way has rule partly.
	Approximate bool
	expr        expr
}

// expr is a criterion of some set as an expression over the statuses of
// the source set: a leaf is the source criterion at index leaf.
type expr struct {
	leaf int
	rule catalog.Rule
	kids []expr
}

// Readings are the criteria of target read from statuses of source, in the
// target's order. source must be target or a set the catalog's crosswalks
// lead from to target (through the sets in between); a provincial variant
// reads as its national base, whose criteria it shares.
func Readings(c *catalog.Catalog, source, target *catalog.Set) ([]Reading, error) {
	path, sets, err := pathOf(c, nationalCode(source), nationalCode(target))
	if err != nil {
		return nil, err
	}
	out := make([]Reading, len(target.Criteria))
	for i, cr := range target.Criteria {
		r := Reading{Code: cr.Code, Name: cr.Name, Confirmed: true}
		e, ok := r.compose(path, sets, len(path), i)
		r.expr, r.Missing = e, !ok
		if r.Missing {
			r.Confirmed, r.Approximate = false, false
		}
		out[i] = r
	}
	return out, nil
}

// compose is criterion index i of sets[n], the set path leads to after its
// first n crosswalks (sets[0] is the source), as an expression over the
// source statuses; ok false when a mapping on the way has nothing standing
// for it.
func (r *Reading) compose(path []*catalog.Crosswalk, sets []*catalog.Set, n, i int) (expr, bool) {
	if n == 0 {
		return expr{leaf: i}, true
	}
	x := path[n-1]
	m := &x.Mappings[i] // Mappings follow the newer set's criteria (catalog)
	if len(m.From) == 0 {
		return expr{}, false
	}
	r.Confirmed = r.Confirmed && m.Confirmed
	r.Approximate = r.Approximate || m.Rule == catalog.RulePartly
	e := expr{rule: m.Rule}
	for _, code := range m.From {
		_, j, _ := sets[n-1].Criterion(code) // the catalog checked the codes
		k, ok := r.compose(path, sets, n-1, j)
		if !ok {
			// A part of the rule cannot be read: all_of could not tell met,
			// any_of could not tell not met.
			return expr{}, false
		}
		e.kids = append(e.kids, k)
	}
	return e, true
}

// Of is the commune's verdict on the reading from its statuses under the
// source set (nil: not assessed, Unknown).
func (r *Reading) Of(statuses []scoring.Status) Verdict {
	if r.Missing || statuses == nil {
		return Unknown
	}
	return r.expr.eval(statuses)
}

func (e expr) eval(statuses []scoring.Status) Verdict {
	if e.kids == nil {
		if e.leaf >= len(statuses) {
			return Unknown
		}
		switch statuses[e.leaf] {
		case scoring.Met:
			return Met
		case scoring.BasicallyMet, scoring.NotMet: // "cơ bản đạt" is not met
			return NotMet
		}
		return Unknown
	}
	var met, notMet int
	for _, k := range e.kids {
		switch k.eval(statuses) {
		case Met:
			met++
		case NotMet:
			notMet++
		}
	}
	if e.rule == catalog.RuleAnyOf {
		switch {
		case met > 0:
			return Met
		case notMet == len(e.kids):
			return NotMet
		}
		return Unknown
	}
	// all_of, and partly: the older criteria standing for part of it all met.
	switch {
	case notMet > 0:
		return NotMet
	case met == len(e.kids):
		return Met
	}
	return Unknown
}

func nationalCode(s *catalog.Set) string {
	if s.Base != "" {
		return s.Base
	}
	return s.Code
}

// pathOf is the chain of crosswalks from the national set from to the
// national set to, oldest first (empty when they are the same set), and the
// sets along it: sets[n] is the set after n crosswalks.
func pathOf(c *catalog.Catalog, from, to string) ([]*catalog.Crosswalk, []*catalog.Set, error) {
	var path []*catalog.Crosswalk
	for at := to; at != from; {
		x := previous(c, at)
		// The catalog refuses a cycle only implicitly (each crosswalk goes
		// forward in time), so the length bound is a guard, not a rule.
		if x == nil || len(path) > len(c.Crosswalks()) {
			return nil, nil, fmt.Errorf("no crosswalk leads from %s to %s", from, to)
		}
		path = append([]*catalog.Crosswalk{x}, path...)
		at = x.FromSet
	}
	sets := make([]*catalog.Set, 0, len(path)+1)
	for _, code := range append([]string{from}, toSets(path)...) {
		s, ok := c.Set(code)
		if !ok {
			return nil, nil, fmt.Errorf("no criteria set %s", code)
		}
		sets = append(sets, s)
	}
	return path, sets, nil
}

func toSets(path []*catalog.Crosswalk) []string {
	out := make([]string, len(path))
	for i, x := range path {
		out[i] = x.ToSet
	}
	return out
}

// previous is the crosswalk onto set code: the catalog allows one per set.
func previous(c *catalog.Catalog, code string) *catalog.Crosswalk {
	for _, x := range c.Crosswalks() {
		if x.ToSet == code {
			return x
		}
	}
	return nil
}
