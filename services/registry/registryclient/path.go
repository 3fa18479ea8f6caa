package registryclient

import (
	"context"
	"errors"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Path is code's path on d for access checks (an auth.PathFunc): the unit
// first, then its ancestors up to its province. A unit no longer in
// existence on d lies under the unit that took it over (its first
// successor in existence on d), whose officers now keep its records, as
// the lists and roll-ups that count them there already show; without one,
// it has its path on its last day. One the registry has never known is
// auth.ErrUnknownUnit.
func (c *Client) Path(ctx context.Context, code string, d date.Date) (auth.Path, error) {
	path, err := c.pathOn(ctx, code, d)
	if !errors.Is(err, ErrUnitNotFound) {
		return path, err
	}
	lineage, err := c.rpc.GetUnitLineage(ctx, &registryv1.GetUnitLineageRequest{Code: code})
	if err != nil {
		if err = translate(err, "get the lineage of "+code); errors.Is(err, ErrUnitNotFound) {
			return nil, auth.ErrUnknownUnit
		}
		return nil, err
	}
	for _, link := range lineage.GetSuccessors() {
		heir, err := c.pathOn(ctx, link.GetToCode(), d)
		if err == nil {
			return append(auth.Path{code}, heir...), nil
		}
		if !errors.Is(err, ErrUnitNotFound) {
			return nil, err
		}
	}
	last, err := lastDay(lineage.GetVersions())
	if err != nil {
		return nil, err
	}
	if last.IsZero() || !last.Before(d) {
		// Not yet in existence on d: only the unscoped roles reach it.
		return auth.Path{code}, nil
	}
	return c.pathOn(ctx, code, last)
}

// lastDay is the last day a unit with these versions (oldest first)
// existed: the day before the end of its last version; zero while current.
func lastDay(versions []*registryv1.Unit) (date.Date, error) {
	if len(versions) == 0 || versions[len(versions)-1].GetValidTo() == "" {
		return date.Date{}, nil
	}
	end, err := date.Parse(versions[len(versions)-1].GetValidTo())
	return end.AddDays(-1), err
}

func (c *Client) pathOn(ctx context.Context, code string, d date.Date) (auth.Path, error) {
	anc, err := c.rpc.ListAncestors(ctx, &registryv1.ListAncestorsRequest{Code: code, AsOf: d.String()})
	if err != nil {
		return nil, translate(err, "list the ancestors of "+code)
	}
	path := auth.Path{code}
	for _, u := range anc.GetUnits() {
		path = append(path, u.GetCode())
	}
	return path, nil
}
