package db

import "sync"

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

// readAhead calls next on a goroutine of its own, up to copyAhead rows
// before take asks for them, and returns take, which gives them in order
// as next did (false after the last, or with next's error), and stop,
// which ends the goroutine, waiting for the call of next under way: the
// caller may read what next wrote once stop returns.
func readAhead(next func() ([]any, bool, error)) (take func() ([]any, bool, error), stop func()) {
	rows := make(chan made, copyAhead)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(rows)
		for {
			r, more, err := next()
			if err == nil && !more {
				return
			}
			select {
			case rows <- made{r, err}:
			case <-done:
				return
			}
			if err != nil {
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
