package cache

import (
	"context"
	"time"
)

// Namespaced is c with every value stored under namespace, the identity
// of the database the values were computed from (db.DB.Identity), while
// the generations stay shared (see the package comment).
func Namespaced(c Cache, namespace string) Cache {
	return &namespaced{c: c, ns: namespace + "/"}
}

type namespaced struct {
	c  Cache
	ns string
}

func (n *namespaced) Get(ctx context.Context, gens []string, key string) (string, []byte, bool, error) {
	return n.c.Get(ctx, gens, n.ns+key)
}

func (n *namespaced) Set(ctx context.Context, stamp, key string, value []byte, ttl time.Duration) error {
	return n.c.Set(ctx, stamp, n.ns+key, value, ttl)
}

func (n *namespaced) Bump(ctx context.Context, gen string) (int64, error) { return n.c.Bump(ctx, gen) }
