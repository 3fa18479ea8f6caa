package unit

import "github.com/ntmsuite/ntm/platform/date"

// Version is a unit as it was over a validity range. A unit's code identifies
// it across versions; a change closes the current version and opens a new one,
// so history is never rewritten.
type Version struct {
	Code         string
	Name         string // Vietnamese name with diacritics ("Xã La Hiên")
	Type         Type
	ParentCode   string // empty for a province
	Region       string // NTM region code (2016-2025 criteria sets)
	CommuneGroup string // "1", "2" or "3" (2026-2030 criteria set), empty when unassigned
	Valid        date.Range
	ChangeID     int64 // the change that opened this version
}

// Spec is a new unit as a client writes it. Field is the request path of the
// spec ("unit_change.create.units[2]"), used to name bad fields in errors.
type Spec struct {
	Code         string
	Name         string
	Type         Type
	ParentCode   string
	Region       string
	CommuneGroup string
	Field        string
}

func (s Spec) version(from date.Date) Version {
	return Version{Code: s.Code, Name: s.Name, Type: s.Type, ParentCode: s.ParentCode,
		Region: s.Region, CommuneGroup: s.CommuneGroup, Valid: date.Range{From: from}}
}

// Link records that unit From became (in whole or in part) unit To.
type Link struct {
	From, To string
}

// LinkRecord is a stored link with the change that made it.
type LinkRecord struct {
	Link
	ChangeID       int64
	Kind           Kind
	Effective      date.Date
	DecisionNumber string
}

// At returns the version of versions valid on d.
func At(versions []Version, d date.Date) (Version, bool) {
	for _, v := range versions {
		if v.Valid.Contains(d) {
			return v, true
		}
	}
	return Version{}, false
}
