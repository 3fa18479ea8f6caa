package registryclient

import (
	"context"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Reader is what a Memo remembers the answers of: a *Client.
type Reader interface {
	Unit(ctx context.Context, code string, d date.Date) (Unit, error)
	Communes(ctx context.Context, parent string, d date.Date) ([]string, error)
	Recognitions(ctx context.Context, parent string, d date.Date, includeFormer bool) ([]Recognition, error)
	CountUnits(ctx context.Context, parent string, d date.Date) (map[registryv1.UnitType]int, error)
}

// memoMaxAnswers bounds the answers a Memo holds: the communes of the
// whole country on one date are one answer of 10,000 codes, and a
// dashboard asks a few dozen units on a few dates. Past it, the memo starts
// over.
const memoMaxAnswers = 4096

// Memo holds the registry's answers for one generation (Generation): the
// map and the recognitions change only with a registry write, which bumps
// it, so what was asked once is known until then and a computation that
// knows the current generation needs no registry call for a question asked
// before. A Memo is safe for concurrent use.
type Memo struct {
	src     Reader
	answers *cache.Held[memoQuestion, any]
}

type memoQuestion struct {
	method, code string
	on           date.Date
	former       bool
}

func NewMemo(src Reader) *Memo {
	return &Memo{src: src, answers: cache.NewHeld[memoQuestion, any](memoMaxAnswers)}
}

// At answers as of registry generation gen, which the caller read from the
// cache before asking: an answer fetched after gen was read is at least
// that current. Answers are shared: callers must not modify them.
func (m *Memo) At(gen int64) Reader { return memoAt{m, gen} }

type memoAt struct {
	m   *Memo
	gen int64
}

func (a memoAt) Unit(ctx context.Context, code string, d date.Date) (Unit, error) {
	return remember(a, memoQuestion{method: "unit", code: code, on: d}, func() (Unit, error) { return a.m.src.Unit(ctx, code, d) })
}

func (a memoAt) Communes(ctx context.Context, parent string, d date.Date) ([]string, error) {
	return remember(a, memoQuestion{method: "communes", code: parent, on: d}, func() ([]string, error) { return a.m.src.Communes(ctx, parent, d) })
}

func (a memoAt) Recognitions(ctx context.Context, parent string, d date.Date, includeFormer bool) ([]Recognition, error) {
	return remember(a, memoQuestion{method: "recognitions", code: parent, on: d, former: includeFormer}, func() ([]Recognition, error) {
		return a.m.src.Recognitions(ctx, parent, d, includeFormer)
	})
}

func (a memoAt) CountUnits(ctx context.Context, parent string, d date.Date) (map[registryv1.UnitType]int, error) {
	return remember(a, memoQuestion{method: "count", code: parent, on: d}, func() (map[registryv1.UnitType]int, error) { return a.m.src.CountUnits(ctx, parent, d) })
}

// remember answers q from the answers held for a's generation, asking the
// registry on a miss (see cache.Held).
func remember[T any](a memoAt, q memoQuestion, fetch func() (T, error)) (T, error) {
	v, err := a.m.answers.Get(a.gen, q, func() (any, error) { return fetch() })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}
