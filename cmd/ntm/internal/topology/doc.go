// Package topology holds the production topology test (`make topology`,
// also part of `make test`): each service's own binary started as a
// separate process on PostgreSQL and Redis, with mTLS between them and two
// criteria replicas, one of which is killed and started again under load.
// The package has no code besides its test.
package topology
