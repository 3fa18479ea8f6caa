package server

import (
	"context"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// This file is where aggregates are cached: their keys, what they depend
// on, and how a write reaches them.
//
// An aggregate is cached at two levels, both in the shared cache:
//
//   - by request (aggregateKey), stamped with the generations of this
//     service and the registry (AggregateGenerations): a hit costs one
//     round trip, and any write of either makes every request a miss;
//   - by content: the request, the registry generation and the version of
//     the assessments it counts (statusindex.Index.Latest: the highest id
//     of an assessment of one of its communes dated on or before as_of).
//
// A miss of the first level finds its answer in the second unless the
// write reached it: a write to commune X dated d changes the version of
// the aggregates of X and the units above it as of d or later, and of no
// other. Aggregates of other provinces and earlier dates are then copied
// under the new stamp rather than computed again.

// aggregateVersion changes when an aggregate gains or changes a figure, so
// that no replica serves one cached by a release that did not compute it.
// v2: villages, districts, level names, met_histogram; v3: former villages
// and districts, a district in its own tallies, no level of a later phase;
// v4: cached by content as well.
const aggregateVersion = "v4"

// aggregateKey is what an aggregate is asked by: the set named, not the set
// chosen, so that a hit needs no call to the registry beyond the guard's.
type aggregateKey struct {
	unit string
	asOf date.Date
	// set is the criteria set named by the request, "" for the one in force.
	set, mode string
}

func (k aggregateKey) String() string {
	return k.unit + ":" + k.asOf.String() + ":" + k.set + ":" + k.mode
}

// requestKey is k's request-level cache key, with the catalog's digest: a
// --catalog-dir can change the sets with a restart and no write.
func (s *Server) requestKey(k aggregateKey) string {
	return "criteria:aggregate:" + aggregateVersion + ":" + s.catalogDigest + ":" + k.String()
}

// loadAggregate returns the aggregate k in wire form: cached, copied from
// its content-level entry, or computed.
func (s *Server) loadAggregate(ctx context.Context, k aggregateKey) ([]byte, string, error) {
	key := s.requestKey(k)
	b, err := s.loader.LoadAt(ctx, AggregateGenerations, key, func(ctx context.Context, gens []int64) ([]byte, error) {
		if gens == nil {
			// The cache did not answer: nothing is stored, and the
			// generations, which tell what the index lacks, are unknown.
			if err := s.index.catchUp(ctx); err != nil {
				return nil, err
			}
			return s.computeAggregate(ctx, k)
		}
		criteriaGen, registryGen := gens[0], gens[1]
		if err := s.index.currentWith(ctx, criteriaGen); err != nil {
			return nil, err
		}
		reg := s.memo.At(registryGen)
		in, err := s.aggregateInputs(ctx, reg, registryGen, k)
		if err != nil {
			return nil, err
		}
		content := key + "@r" + strconv.FormatInt(registryGen, 10) + ".a" + strconv.FormatInt(in.version, 10)
		// in's states go back to their pool here, where nothing else can
		// still read them; a content hit leaves them to the collector.
		return s.content.Load(ctx, nil, content, func(ctx context.Context) ([]byte, error) {
			defer s.done(in)
			return marshalAggregate(s.buildAggregate(ctx, reg, k, in))
		})
	})
	return b, key, err
}

// computeAggregate computes k from the registry itself and the index,
// uncached.
func (s *Server) computeAggregate(ctx context.Context, k aggregateKey) ([]byte, error) {
	in, err := s.aggregateInputs(ctx, s.registry, registryclient.UnknownGeneration, k)
	if err != nil {
		return nil, err
	}
	defer s.done(in)
	return marshalAggregate(s.buildAggregate(ctx, s.registry, k, in))
}

func marshalAggregate(agg *criteriav1.Aggregate, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(agg)
}

// changed advances this service's cache generation after a committed write
// (see cache.Invalidate): every request-level entry becomes a miss, and
// every replica's index reads the rows written since. It returns the new
// generation, and false when the bump failed.
func (s *Server) changed(ctx context.Context) (int64, bool) {
	return cache.Invalidate(ctx, s.cache, Generation, s.log)
}
