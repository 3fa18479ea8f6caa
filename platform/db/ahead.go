package db

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// copyAhead is how many rows CopyEach lets next make before the copy takes
// them. pgx hands the database 64 KB at a time (a dozen of an import's
// assessments) through an unbuffered pipe, so without room ahead next and
// the database waited on each other's bursts: in a country's import each
// side was idle a third of the time. A few hundred rows of slack keep
// both busy and hold a few MB at most.
const copyAhead = 256

// made is a row next made, or its error.
type made struct {
	row []any
	err error
}

// readAhead calls next on a goroutine of its own, up to ahead rows before
// take asks for them, and returns take, which gives them in order as next
// did (false after the last, or with next's error), and stop, which ends
// the goroutine: it makes no row after stop is called, and stop returns
// once the call of next under way has returned, so the caller may then
// read what next wrote. A panic of next is take's error, with its stack:
// no recovery interceptor runs on this goroutine.
func readAhead(ahead int, next func() ([]any, bool, error)) (take func() ([]any, bool, error), stop func()) {
	rows := make(chan made, ahead)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(rows)
		for {
			select {
			case <-done:
				return
			default:
			}
			m, more := makeRow(next)
			if !more {
				return
			}
			select {
			case rows <- m:
			case <-done:
				return
			}
			if m.err != nil {
				return
			}
		}
	})
	take = func() ([]any, bool, error) {
		m, ok := <-rows
		return m.row, ok && m.err == nil, m.err
	}
	var once sync.Once
	stop = func() {
		once.Do(func() { close(done) })
		wg.Wait()
	}
	return take, stop
}

// makeRow calls next once: more is false after the last row.
func makeRow(next func() ([]any, bool, error)) (m made, more bool) {
	defer func() {
		if p := recover(); p != nil {
			m, more = made{err: fmt.Errorf("db: making a row to copy panicked: %v\n%s", p, debug.Stack())}, true
		}
	}()
	r, more, err := next()
	return made{row: r, err: err}, more || err != nil
}
