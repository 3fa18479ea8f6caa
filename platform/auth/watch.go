package auth

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"time"
)

// WatchInterval is how often Watch reads the key file, and UseRevocations
// the revocation file.
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
	watchFile(ctx, file, interval, nil, onError, func(data []byte) error {
		next, err := ParseKeySet(data)
		if err == nil {
			ks.keys.Store(next.keys.Load())
		}
		return err
	})
}

// Enforce sets ks, loaded from keysFile ("" when it came from KeysEnv), up
// to verify a serving command's calls: tokens live at most maxTTL, and
// until ctx ends the keys follow keysFile (Watch) and the revocation list
// follows revokedFile, if any (UseRevocations). A file changed into
// something unusable is logged, and what is in force stays.
func (ks *KeySet) Enforce(ctx context.Context, keysFile, revokedFile string, maxTTL time.Duration, logger *slog.Logger) error {
	ks.SetMaxTTL(maxTTL)
	if keysFile != "" {
		go ks.Watch(ctx, keysFile, WatchInterval, func(err error) {
			logger.Error("auth keys: the file changed but cannot be used; the keys in force stay", "file", keysFile, "error", err)
		})
	}
	if revokedFile == "" {
		return nil
	}
	return ks.UseRevocations(ctx, revokedFile, WatchInterval, func(err error) {
		logger.Error("auth revocations: the file changed but cannot be used; the list in force stays", "file", revokedFile, "error", err)
	})
}

// watchFile reads file every interval until ctx ends and hands its content
// to apply whenever it differs from last (the content already in force);
// what cannot be read or applied goes to onError, once per content.
func watchFile(ctx context.Context, file string, interval time.Duration, last []byte, onError func(error), apply func([]byte) error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		data, err := os.ReadFile(file)
		if err == nil && last != nil && bytes.Equal(data, last) {
			continue
		}
		if err == nil {
			// Reported once per content, not at every tick.
			last = data
			err = apply(data)
		}
		if err != nil {
			onError(err)
		}
	}
}
