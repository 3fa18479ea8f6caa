// Package unit is the pure domain of the administrative map: unit types, dated
// versions, and the planning of a recorded change (create, rename, reclassify,
// merge, split, transfer, abolish) into versions to close, versions to open and
// lineage links. It does no I/O: the store hands it the state it needs.
package unit

import (
	"fmt"
	"strings"
)

// Type is the kind of an administrative unit. Values match the proto enum.
type Type int

const (
	Province Type = iota + 1
	District
	Commune
	Ward
	Township
	Village
)

var typeNames = map[Type]string{
	Province: "PROVINCE", District: "DISTRICT", Commune: "COMMUNE",
	Ward: "WARD", Township: "TOWNSHIP", Village: "VILLAGE",
}

func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Valid reports whether t is one of the known types.
func (t Type) Valid() bool { _, ok := typeNames[t]; return ok }

// ParseType reads a type name as written in files and query strings ("COMMUNE").
func ParseType(s string) (Type, bool) {
	for t, n := range typeNames {
		if n == s {
			return t, true
		}
	}
	return 0, false
}

// IsCommuneLevel reports whether t is a commune-level unit (xã, phường, thị trấn).
func (t Type) IsCommuneLevel() bool { return t == Commune || t == Ward || t == Township }

// rank orders types from the top of the hierarchy, so parents are created before children.
func (t Type) rank() int {
	return map[Type]int{Province: 0, District: 1, Commune: 2, Ward: 2, Township: 2, Village: 3}[t]
}

// CanBeChildOf reports whether a unit of type t may sit directly under a unit of type parent.
// Commune-level units sit under a district until 2025-07-01 and under the province
// since (and under centrally-run cities' provinces directly in some places), so both are allowed.
func (t Type) CanBeChildOf(parent Type) bool {
	switch t {
	case Province:
		return false
	case District:
		return parent == Province
	case Commune, Ward, Township:
		return parent == District || parent == Province
	case Village:
		return parent.IsCommuneLevel()
	}
	return false
}

// Plural names units of type t in a sentence ("communes").
func (t Type) Plural() string { return strings.ToLower(t.String()) + "s" }
