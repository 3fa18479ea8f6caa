package server

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// rollup says which units' money counts under a unit on a date, and in
// which of its rows: every unit under it that day, each unit that had
// become one of them by then (a commune merged in 2025 counts in its
// successor's views from the merger, and in its own before), and the
// unit itself with its own predecessors (districts abolished into the
// province count at the province's level).
type rollup struct {
	// RowOf maps a unit code to the row it counts in: the unit directly
	// under the asked unit that it belongs to, or the asked unit itself.
	RowOf map[string]string `json:"r"`
	// Names are the display names of the rows on the date.
	Names map[string]string `json:"n"`
}

// units are every unit code whose money counts.
func (r rollup) units() []string {
	out := make([]string, 0, len(r.RowOf))
	for u := range r.RowOf {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// computeRollup is the rollup of a unit on a date, with the map's links as
// of registry generation gen (held by the registry client from one listing
// to the next change of the map). It is cached (see caches.rollups): lists
// and summaries ask it on every request, it costs a listing of the units
// from the registry, and it depends on the map alone.
func (s *Server) computeRollup(ctx context.Context, k rollupKey, gen int64) (rollup, error) {
	code, d := k.Unit, k.AsOf
	r := rollup{RowOf: map[string]string{}, Names: map[string]string{}}
	parent := ""
	if code != CountryCode {
		u, err := s.registry.Unit(ctx, code, d)
		if errors.Is(err, registryclient.ErrUnitNotFound) {
			return rollup{}, fault.NotFound("unit", "units/"+code, "unit %s does not exist on %s", code, d)
		}
		if err != nil {
			return rollup{}, err
		}
		parent = code
		r.Names[code] = u.Name
	}
	nodes, err := s.registry.Descendants(ctx, parent, d)
	if err != nil {
		return rollup{}, err
	}
	// Each unit's row is its ancestor directly under the asked unit.
	parentOf := make(map[string]string, len(nodes))
	for _, n := range nodes {
		parentOf[n.Code] = n.Parent
		if n.Parent == parent {
			r.Names[n.Code] = n.Name
		}
	}
	members := map[string][]string{}
	if parent != "" {
		members[parent] = []string{parent}
	}
	for _, n := range nodes {
		row := n.Code
		for p, ok := parentOf[row]; ok && p != parent; p, ok = parentOf[row] {
			row = p
		}
		members[row] = append(members[row], n.Code)
	}
	lineage, err := s.registry.Lineage(ctx, gen)
	if err != nil {
		return rollup{}, err
	}
	for _, row := range slices.Sorted(maps.Keys(members)) {
		for _, u := range lineage.WithPredecessors(members[row], d) {
			// A unit split between two rows counts once, in the first.
			if _, ok := r.RowOf[u]; !ok {
				r.RowOf[u] = row
			}
		}
	}
	return r, nil
}
