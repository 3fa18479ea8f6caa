package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// decide checks that the caller may decide about each unit of codes (once
// each, in order; the first refusal refuses the call). "" stands for the
// parent of a new province: the whole country, so admins and services only.
func (s *Server) decide(ctx context.Context, codes ...string) error {
	units := make([]string, len(codes))
	for i, code := range codes {
		units[i] = cmp.Or(code, auth.CountryCode)
	}
	return s.guard.Units(ctx, auth.Decide, units...)
}

// changeScope is every unit a change names that a caller must have the say
// over to record it: the existing units it changes or ends, the parents it
// moves units under, and the parent of each unit it creates ("" for a new
// province). Units it moves without naming them (the children of a merged
// or abolished unit) lie under a named one.
func changeScope(c unit.Change) []string {
	var codes []string
	parents := func(specs ...unit.Spec) {
		for _, sp := range specs {
			codes = append(codes, sp.ParentCode)
		}
	}
	switch c.Kind {
	case unit.KindCreate:
		parents(c.Create...)
	case unit.KindRename:
		codes = append(codes, c.Rename.Code)
	case unit.KindReclassify:
		codes = append(codes, c.Reclassify.Code)
	case unit.KindMerge:
		// The absorbing unit is one of the sources.
		codes = append(codes, c.Merge.Sources...)
		if c.Merge.NewUnit != nil {
			parents(*c.Merge.NewUnit)
		}
	case unit.KindSplit:
		codes = append(codes, c.Split.Source)
		parents(c.Split.NewUnits...)
	case unit.KindTransfer:
		codes = append(codes, c.Transfer.Code, c.Transfer.NewParent)
	case unit.KindAbolish:
		codes = append(codes, c.Abolish.Codes...)
		if c.Abolish.ChildrenNewParent != "" {
			codes = append(codes, c.Abolish.ChildrenNewParent)
		}
	}
	return codes
}

// decisionScope is the scope of every change of a decision, but for the
// units an earlier change of it creates: they do not exist yet when the
// caller is checked, and their parents are in the scope already.
func decisionScope(changes []unit.Change) []string {
	created := map[string]bool{}
	var codes []string
	for _, c := range changes {
		for _, code := range changeScope(c) {
			if !created[code] {
				codes = append(codes, code)
			}
		}
		for _, sp := range c.Creates() {
			created[sp.Code] = true
		}
	}
	return codes
}
