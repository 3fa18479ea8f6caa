package registryclient

import (
	"context"
	"fmt"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// UnknownGeneration stands for a registry generation the caller could not
// read (the cache did not answer): Lineage then asks the registry afresh.
const UnknownGeneration int64 = -1

// GenerationIn is the registry's generation among gens, the generations of
// the namespaces names that cache.Loader.LoadAt tells a compute (nil when
// the cache did not answer); UnknownGeneration when it is not there.
func GenerationIn(names []string, gens []int64) int64 {
	if i := slices.Index(names, Generation); i >= 0 && i < len(gens) {
		return gens[i]
	}
	return UnknownGeneration
}

// maxLineageDepth bounds a walk back through the links, as the registry
// bounds GetUnitLineage's: real chains are a few merges long.
const maxLineageDepth = 20

// Lineage is every lineage link of the map as the registry had it when
// listed: which units became which, and when. It answers for many units
// and any date without asking the registry again. It is not modified
// after it is built, so callers may share it.
type Lineage struct {
	// into holds the links into each code.
	into map[string][]lineageLink
}

type lineageLink struct {
	from string
	on   date.Date
}

// Lineage returns every link of the map as of registry generation gen (see
// GenerationIn): the links held from the last call with the same gen, or
// else all of them listed afresh in a few pages, and then held for gen
// (unless it is UnknownGeneration). Concurrent callers for a new gen wait
// for one listing.
func (c *Client) Lineage(ctx context.Context, gen int64) (*Lineage, error) {
	if gen == UnknownGeneration {
		return c.listLineage(ctx)
	}
	c.lineageMu.Lock()
	defer c.lineageMu.Unlock()
	return c.lineage.Get(gen, struct{}{}, func() (*Lineage, error) { return c.listLineage(ctx) })
}

func (c *Client) listLineage(ctx context.Context) (*Lineage, error) {
	l := &Lineage{into: map[string][]lineageLink{}}
	req := &registryv1.ListLineageLinksRequest{PageSize: listPageSize}
	for {
		resp, err := c.rpc.ListLineageLinks(ctx, req)
		if err != nil {
			return nil, translate(err, "list lineage links")
		}
		for _, link := range resp.GetLinks() {
			on, err := date.Parse(link.GetEffectiveDate())
			if err != nil {
				return nil, fmt.Errorf("registry: lineage link %s > %s: %w", link.GetFromCode(), link.GetToCode(), err)
			}
			l.into[link.GetToCode()] = append(l.into[link.GetToCode()], lineageLink{from: link.GetFromCode(), on: on})
		}
		if resp.GetNextPageToken() == "" {
			return l, nil
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// Predecessors lists the codes of the units that became code (merged into
// it, split off into it, abolished with it taking them over) on or before d,
// at any distance: figures recorded for a commune that later merged belong,
// in views of later dates, to the unit it became. As GetUnitLineage, it
// follows every link back from code whatever its date, and keeps those of
// d or before.
func (l *Lineage) Predecessors(code string, d date.Date) []string {
	var out []string
	seen := map[string]bool{code: true}
	frontier := []string{code}
	for depth := 0; len(frontier) > 0 && depth < maxLineageDepth; depth++ {
		var following []string
		for _, c := range frontier {
			for _, link := range l.into[c] {
				if link.from != code && !link.on.After(d) {
					out = append(out, link.from)
				}
				if !seen[link.from] {
					seen[link.from] = true
					following = append(following, link.from)
				}
			}
		}
		frontier = following
	}
	return out
}

// WithPredecessors returns codes together with every unit that had become one
// of them on or before d (see Predecessors), sorted and without duplicates:
// the units whose figures belong to codes in views of d.
func (l *Lineage) WithPredecessors(codes []string, d date.Date) []string {
	out := slices.Clone(codes)
	for _, code := range codes {
		out = append(out, l.Predecessors(code, d)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
