package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A key listed first in the file signs from the next read on, the old one
// keeps verifying while listed, and a broken file changes nothing.
func TestWatchRotatesKeysWithoutRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.json")
	oldKey, err := NewKeySet("old", EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, oldKey, 0o600); err != nil {
		t.Fatal(err)
	}
	ks, err := LoadKeySet(file)
	if err != nil {
		t.Fatal(err)
	}
	id := Identity{Subject: "a", Role: Admin}
	now := time.Now()
	oldToken, err := ks.Sign(id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	report := func(err error) {
		select {
		case errs <- err:
		default: // the test reads only the first
		}
	}
	go func() { ks.Watch(ctx, file, time.Millisecond, report); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	// An unparsable file: reported, keys unchanged.
	if err := os.WriteFile(file, []byte(`{"keys": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err == nil {
		t.Fatal("a broken file was not reported")
	}
	if _, err := ks.Verify(oldToken, now); err != nil {
		t.Fatalf("after a broken file, the old token: %v", err)
	}

	// The rotation: the new key first, the old one still listed.
	newKey, err := NewKeySet("new", EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	both := joinKeyFiles(t, newKey, oldKey)
	if err := os.WriteFile(file, both, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for ks.current()[0].ID != "new" {
		if time.Now().After(deadline) {
			t.Fatal("the new key was not put in force")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := ks.Verify(oldToken, now); err != nil {
		t.Errorf("the old key's token after the rotation: %v", err)
	}
	newToken, err := ks.Sign(id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	// The old key dropped: its tokens stop verifying, the new key's do not.
	if err := os.WriteFile(file, newKey, 0o600); err != nil {
		t.Fatal(err)
	}
	for len(ks.current()) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the old key was not dropped")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := ks.Verify(oldToken, now); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("the dropped key's token: %v, want ErrInvalidToken", err)
	}
	if _, err := ks.Verify(newToken, now); err != nil {
		t.Errorf("the new key's token: %v", err)
	}
}

// joinKeyFiles lists the keys of several key files in one, in order.
func joinKeyFiles(t *testing.T, files ...[]byte) []byte {
	var all keyFile
	for _, f := range files {
		var kf keyFile
		if err := json.Unmarshal(f, &kf); err != nil {
			t.Fatal(err)
		}
		all.Keys = append(all.Keys, kf.Keys...)
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
