package unit

import "github.com/ntmsuite/ntm/platform/date"

// Kind names what a change does.
type Kind string

const (
	KindCreate     Kind = "create"
	KindRename     Kind = "rename"
	KindReclassify Kind = "reclassify"
	KindMerge      Kind = "merge"
	KindSplit      Kind = "split"
	KindTransfer   Kind = "transfer"
	KindAbolish    Kind = "abolish"
)

// Change is one recorded decision that alters the map on its effective date.
// Exactly one of the kind-specific fields is set, matching Kind.
type Change struct {
	ID             int64 // set when stored
	Kind           Kind
	DecisionNumber string
	Effective      date.Date
	Note           string
	// Field is the request path of the change ("unit_change."), prefixed to
	// the names of bad fields; EffectiveField names its effective date.
	Field          string
	EffectiveField string

	Create     []Spec
	Rename     *Rename
	Reclassify *Reclassify
	Merge      *Merge
	Split      *Split
	Transfer   *Transfer
	Abolish    *Abolish
}

// Creates is the units c brings into being: those it creates, a merge's
// new unit, a split's new units.
func (c Change) Creates() []Spec {
	switch {
	case c.Kind == KindCreate:
		return c.Create
	case c.Kind == KindMerge && c.Merge.NewUnit != nil:
		return []Spec{*c.Merge.NewUnit}
	case c.Kind == KindSplit:
		return c.Split.NewUnits
	}
	return nil
}

type Rename struct {
	Code    string
	NewName string
}

// Reclassify changes any of type, region and commune group, and optionally the name.
// Zero values keep the current value.
type Reclassify struct {
	Code            string
	NewType         Type
	NewName         string
	NewRegion       string
	NewCommuneGroup string
}

// Merge joins Sources into NewUnit, or into AbsorbingCode (one of the sources),
// which continues under its code with NewName if given.
type Merge struct {
	Sources       []string
	NewUnit       *Spec
	AbsorbingCode string
	NewName       string
}

// Split makes NewUnits out of Source; the source ends unless SourceContinues.
type Split struct {
	Source          string
	NewUnits        []Spec
	SourceContinues bool
}

type Transfer struct {
	Code      string
	NewParent string
}

// Abolish ends Codes; their children on that day move to ChildrenNewParent.
type Abolish struct {
	Codes             []string
	ChildrenNewParent string
}
