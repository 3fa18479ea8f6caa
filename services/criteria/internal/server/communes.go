package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// communesOf are the communes whose figures make u's on d: u itself when
// it is a commune, else the communes under it (every commune for the
// country).
func communesOf(ctx context.Context, reg Registry, u registryclient.Unit, d date.Date) ([]string, error) {
	if isCommune(u) {
		return []string{u.Code}, nil
	}
	return reg.Communes(ctx, u.Code, d)
}

// registryGeneration is the registry's current generation, or
// registryclient.UnknownGeneration when the cache cannot tell it. A write
// checking its units against the answers held for it (registryAt,
// listedUnits) asks the registry only for what nobody asked since the
// registry's last write, and is as current as asking it.
func (s *Server) registryGeneration(ctx context.Context) int64 {
	gens, err := cache.Generations(ctx, s.cache, registryclient.Generation)
	if err != nil {
		return registryclient.UnknownGeneration
	}
	return gens[0]
}

// registryAt is the registry's answers held for generation gen, or the
// registry itself for registryclient.UnknownGeneration.
func (s *Server) registryAt(gen int64) Registry {
	if gen == registryclient.UnknownGeneration {
		return s.registry
	}
	return s.memo.At(gen)
}

// listedMax bounds the maps of a date held (listedUnits): a country's is a
// few megabytes, and imports of one campaign share their date.
const listedMax = 4

// listedUnits is the registry's map of date d (every unit, by code), held
// for generation gen (nothing for registryclient.UnknownGeneration).
func (s *Server) listedUnits(ctx context.Context, gen int64, d date.Date) (map[string]registryclient.Unit, error) {
	return s.listed.Get(gen, d, func() (map[string]registryclient.Unit, error) { return s.units(ctx, d) })
}

// communeSlotsMax bounds the lists of communes held resolved, as
// registryclient.Memo bounds the lists themselves.
const communeSlotsMax = 4096

// communeSlots holds communesOf resolved to the index's slots
// (statusindex.Units) per registry generation: the map of a date changes
// only with a registry write, and resolving the country's 10,000 codes on
// every aggregate would cost more than counting them.
type communeSlots = cache.Held[communesQuestion, statusindex.Units]

type communesQuestion struct {
	unit string
	on   date.Date
}

// communeUnits is communesOf u on d resolved to the index's slots, held
// for registry generation gen (nothing for
// registryclient.UnknownGeneration).
func (s *Server) communeUnits(ctx context.Context, reg Registry, gen int64, u registryclient.Unit, d date.Date) (statusindex.Units, error) {
	return s.communeSlots.Get(gen, communesQuestion{u.Code, d}, func() (statusindex.Units, error) {
		codes, err := communesOf(ctx, reg, u, d)
		if err != nil {
			return statusindex.Units{}, err
		}
		return s.index.Resolve(codes), nil
	})
}
