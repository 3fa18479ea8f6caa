package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// revocations are the tokens refused before they expire: by token id
// (jti, as `ntm token create` reports it), or every token of a subject,
// optionally only those issued before a time (so that the person's new
// token works).
type revocations struct {
	list atomic.Pointer[revocationList]
}

type revocationList struct {
	ids      map[string]bool
	subjects map[string]time.Time // zero: every token of the subject
}

// revocationFile is the JSON form of a revocation list:
//
//	{"tokens": ["<jti>", …],
//	 "subjects": [{"sub": "can-bo-xa-06005", "issued_before": "2026-12-06T12:00:00Z"}, {"sub": "tinh-19"}]}
type revocationFile struct {
	Tokens   []string `json:"tokens"`
	Subjects []struct {
		Subject      string    `json:"sub"`
		IssuedBefore time.Time `json:"issued_before"`
	} `json:"subjects"`
}

func parseRevocationList(data []byte) (*revocationList, error) {
	var f revocationFile
	dec := json.NewDecoder(bytes.NewReader(data))
	// A misspelt key would silently revoke nothing.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("auth revocations: %w", err)
	}
	l := &revocationList{ids: map[string]bool{}, subjects: map[string]time.Time{}}
	for i, id := range f.Tokens {
		if id == "" {
			return nil, fmt.Errorf("auth revocations: tokens[%d] is empty", i)
		}
		l.ids[id] = true
	}
	for i, s := range f.Subjects {
		if s.Subject == "" {
			return nil, fmt.Errorf("auth revocations: subjects[%d] has no sub", i)
		}
		l.subjects[s.Subject] = s.IssuedBefore
	}
	return l, nil
}

// revokes reports whether the token of id jti, of subject sub, issued at
// iat is revoked. A token without an id is revoked only by its subject.
func (r *revocations) revokes(jti, sub string, iat time.Time) bool {
	l := r.list.Load()
	if jti != "" && l.ids[jti] {
		return true
	}
	before, ok := l.subjects[sub]
	return ok && (before.IsZero() || iat.Before(before))
}

// UseRevocations reads the revocation list of file, puts it in force for
// every token ks verifies, and re-reads the file every interval until ctx
// ends, so that a token is revoked without restarting anything. A file
// that later cannot be read or parsed leaves the list in force (nothing
// revoked comes back) and is reported to onError; one that cannot be read
// now is an error, for a service must not start believing it revokes what
// it does not.
func (ks *KeySet) UseRevocations(ctx context.Context, file string, interval time.Duration, onError func(error)) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("auth revocations: %w", err)
	}
	l, err := parseRevocationList(data)
	if err != nil {
		return err
	}
	r := &revocations{}
	r.list.Store(l)
	ks.revoked.Store(r)
	go watchFile(ctx, file, interval, data, onError, func(data []byte) error {
		l, err := parseRevocationList(data)
		if err == nil {
			r.list.Store(l)
		}
		return err
	})
	return nil
}

// TokenID reads a token's id (jti) and subject without verifying it, for
// an operator who must list a token in the revocation file.
func TokenID(token string) (jti, sub string, err error) {
	var c claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if c.ID == "" {
		return "", "", fmt.Errorf("the token has no id: revoke it by its subject %q", c.Subject)
	}
	return c.ID, c.Subject, nil
}
