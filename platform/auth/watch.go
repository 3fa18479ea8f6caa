package auth

import (
	"bytes"
	"context"
	"os"
	"time"
)

// WatchInterval is how often Watch reads the key file.
const WatchInterval = 30 * time.Second

// Watch re-reads file every interval until ctx ends and puts its keys in
// force in ks when they change: a key is rotated by listing the new one
// first in the file, without restarting anything, and the old one dropped
// once its tokens have expired. A file that cannot be read or parsed
// leaves the keys in force (a half-written file must not lock everyone
// out) and is reported to onError, once per content of the file (an
// unreadable file at every read).
func (ks *KeySet) Watch(ctx context.Context, file string, interval time.Duration, onError func(error)) {
	// Nothing read yet: the first tick puts the file's keys in force again
	// (the same keys, unless it changed since the caller loaded it).
	var last []byte
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		data, err := os.ReadFile(file)
		if err == nil && bytes.Equal(data, last) {
			continue
		}
		var next *KeySet
		if err == nil {
			// Reported once per content, not at every tick.
			last = data
			next, err = ParseKeySet(data)
		}
		if err != nil {
			onError(err)
			continue
		}
		ks.keys.Store(next.keys.Load())
	}
}
