package servicemain_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/servicemain"
)

// The --rate-limit-* flags (or NTM_RATE_LIMIT_*) reach the service's
// policy; what is not given keeps the defaults.
func TestRateLimitFlags(t *testing.T) {
	t.Setenv("NTM_RATE_LIMIT_FAILED_AUTH", "7")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var dep, comp *ratelimit.Policy
	err := servicemain.RunDependent(t.Context(), []string{"--no-auth", "--rate-limit-principal", "5", "--cache-prefix", "office1:"}, logger, testDependent,
		func(_ context.Context, d servicemain.Deps) (servicemain.Service, error) {
			dep = d.RateLimit
			return &fakeService{}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	err = servicemain.RunComposer(t.Context(), []string{"--no-auth", "--rate-limit-address", "0"}, logger, testComposer,
		func(_ context.Context, d servicemain.ComposerDeps) (servicemain.Service, error) {
			comp = d.RateLimit
			return &fakeService{}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if dep == nil || dep.Principal.Limit != 5 || dep.FailedAuth.Limit != 7 || dep.Address.Limit != ratelimit.DefaultAddressPerMinute {
		t.Errorf("dependent's policy = %+v, want principal 5, failed auth 7, the default per address", dep)
	}
	if comp == nil || comp.Address.Limit != 0 || comp.Principal.Limit != ratelimit.DefaultPrincipalPerMinute {
		t.Errorf("composer's policy = %+v, want no address limit and the default per principal", comp)
	}
}
