// Package cache caches computed aggregates (for example "112 of 137 communes
// meet the Transport criterion") so that every write is visible to the next
// read, on any replica.
//
// Invalidation uses generation counters instead of deleting keys. Each
// namespace ("criteria", "registry") has a generation. A writer calls Bump
// after its database commit and before answering, so the write is visible to
// anyone who asks afterwards. A reader reads the generations its value
// depends on and the value stored under a key stamped with them (one round
// trip for Redis, two after a write). Nothing has to enumerate or delete dependent
// keys, and a slow reader that computed from an old snapshot stores its value
// under the old stamp, which nobody reads again. The TTL is only a backstop
// that reclaims the memory of unreachable values.
//
// Key layout (Redis, mirrored by Memory):
//
//	{prefix}gen:{name}             generation of namespace name; an integer, missing = 0, no TTL;
//	                               the first Bump sets it to the time in microseconds (see Redis.Bump)
//	{prefix}v1:{db}/{key}@{stamp}  value of key computed at stamp from database db, with a TTL
//
// Deployments may share one Redis, and a database may be restored from a
// backup while Redis keeps what was computed from the original. Values are
// therefore keyed with the identity of the database they were computed from
// (Namespaced with db.DB.Identity: a random id written at migration, hashed
// with where the database is), so two stacks, or a stack and its restored
// copy, never read each other's figures even under one prefix. Generations
// are keyed with the prefix alone: they are how one service's writes reach
// the values of another (the registry bumps "registry", which criteria's
// aggregates depend on), and each service has its own database, so they
// must not carry a database's identity. Deployments sharing a prefix only
// bump each other's generations, which costs recomputation, never a wrong
// figure; a separate prefix (--cache-prefix, default DefaultPrefix) keeps
// even that apart.
//
// A stamp is "g" followed by the generations of the namespaces the value
// depends on, in the order the caller lists them, joined by dots: "g3.7".
// Stamps never contain "@", so the value key splits unambiguously at its last
// "@". Bump "v1" to change the value encoding without reading old entries.
package cache

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cache stores values under keys stamped with the current generations of the
// namespaces they depend on.
type Cache interface {
	// Get returns the stamp (current generations of gens, e.g. "g3.7") and,
	// if present, the value stored for key under that stamp.
	Get(ctx context.Context, gens []string, key string) (stamp string, value []byte, found bool, err error)
	// Set stores value for key under stamp, expiring after ttl (> 0).
	Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error
	// Bump advances a namespace's generation, making every value that
	// depends on it unreachable, and returns the new generation.
	Bump(ctx context.Context, gen string) (int64, error)
}

// errNoTTL rejects values that would never expire: values under old stamps
// are only ever reclaimed by their TTL.
var errNoTTL = errors.New("cache: ttl must be positive")

// makeStamp formats generations as a stamp: "g3.7".
func makeStamp(gens []int64) string {
	var b strings.Builder
	b.WriteByte('g')
	for i, g := range gens {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatInt(g, 10))
	}
	return b.String()
}

// parseStamp reads the generations back from a stamp made by makeStamp.
func parseStamp(stamp string) ([]int64, error) {
	body, ok := strings.CutPrefix(stamp, "g")
	if !ok {
		return nil, fmt.Errorf("cache: malformed stamp %q", stamp)
	}
	if body == "" {
		return []int64{}, nil
	}
	parts := strings.Split(body, ".")
	gens := make([]int64, len(parts))
	for i, p := range parts {
		g, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cache: malformed stamp %q", stamp)
		}
		gens[i] = g
	}
	return gens, nil
}

// valueKey is the key a value is stored under, without the Redis prefix.
func valueKey(key, stamp string) string {
	return "v1:" + key + "@" + stamp
}

// genKey is the key a generation is stored under, without the Redis prefix.
func genKey(name string) string {
	return "gen:" + name
}

// Generations reads the current generations of gens, in order, for work
// that keeps state per generation but is not itself cached: a write's
// checks may then use what is held for the current generation of another
// service's answers, which is as current as asking that service.
func Generations(ctx context.Context, c Cache, gens ...string) ([]int64, error) {
	stamp, _, _, err := c.Get(ctx, gens, generationsKey)
	if err != nil {
		return nil, err
	}
	return parseStamp(stamp)
}

// generationsKey is a key nothing is stored under: Generations reads the
// stamp alone.
const generationsKey = "\x00generations"
