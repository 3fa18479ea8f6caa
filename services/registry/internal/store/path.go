package store

import (
	"context"
	"errors"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
)

// Path is code's path on d for the registry's own access checks (an
// auth.PathFunc): the unit first, then its ancestors up to its province.
// Other services ask the registry for it over gRPC (registryclient.Path);
// the registry cannot call itself, so it reads the same answer here: a unit
// no longer in existence on d lies under its first successor in existence
// on d (whose officers keep its records), or else has its path on its last
// day; one never known is auth.ErrUnknownUnit.
func (s *Store) Path(ctx context.Context, code string, d date.Date) (auth.Path, error) {
	path, err := s.pathOn(ctx, code, d)
	if !errors.Is(err, ErrNotFound) {
		return path, err
	}
	vs, err := s.Versions(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, auth.ErrUnknownUnit
	}
	_, successors, err := s.Lineage(ctx, code)
	if err != nil {
		return nil, err
	}
	for _, link := range successors {
		heir, err := s.pathOn(ctx, link.To, d)
		if err == nil {
			return append(auth.Path{code}, heir...), nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	end := vs[len(vs)-1].Valid.To
	if end.IsZero() || !end.AddDays(-1).Before(d) {
		// Not yet in existence on d: only the unscoped roles reach it.
		return auth.Path{code}, nil
	}
	return s.pathOn(ctx, code, end.AddDays(-1))
}

func (s *Store) pathOn(ctx context.Context, code string, d date.Date) (auth.Path, error) {
	ancestors, err := s.Ancestors(ctx, code, d)
	if err != nil {
		return nil, err
	}
	path := auth.Path{code}
	for _, v := range ancestors {
		path = append(path, v.Code)
	}
	return path, nil
}
