package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The profiles a command runs under (--profile, NTM_PROFILE). Development
// allows what is convenient on a laptop; production refuses to start with
// anything an office's server must not run with.
const (
	Development = "development"
	Production  = "production"
)

// Settings are what the production profile checks, as a command has them.
type Settings struct {
	// Listeners are the listeners that serve the API, by a name to report
	// (e.g. "gRPC (--grpc-addr)"), and whether each serves TLS.
	Listeners map[string]bool
	// Dials are the services this command dials, by a name to report, and
	// whether each is dialled with TLS.
	Dials map[string]bool
	// NoAuth is --no-auth: anyone may do anything.
	NoAuth bool
}

// CheckProfile refuses settings the profile does not allow, naming every
// one that is missing: under production, a plaintext listener (give
// --tls-cert and --tls-key), a plaintext dial (give --tls-ca) or
// --no-auth. An unknown profile is refused too, so that a misspelt one does
// not run as development.
func CheckProfile(profile string, s Settings) error {
	switch profile {
	case "", Development:
		return nil
	case Production:
	default:
		return fmt.Errorf("unknown profile %q: %s or %s", profile, Development, Production)
	}
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(s.Listeners)) {
		if !s.Listeners[name] {
			missing = append(missing, name+" serves plaintext: give --tls-cert and --tls-key")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Dials)) {
		if !s.Dials[name] {
			missing = append(missing, "dials "+name+" in plaintext: give --tls-ca")
		}
	}
	if s.NoAuth {
		missing = append(missing, "--no-auth serves without authentication: give --auth-keys-file")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the %s profile refuses to start: %s", Production, strings.Join(missing, "; "))
	}
	return nil
}
