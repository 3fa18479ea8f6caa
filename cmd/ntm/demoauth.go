package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/gateway"
	"github.com/ntmsuite/ntm/platform/auth"
)

// The demo's callers: the README tour posts as the officer of Xã Võ Nhai
// and gets 403 for its neighbour Xã Định Hóa.
const (
	demoCommune = "06101"
	// demoCommuneName is demoCommune's name in the demo data (demo/units.csv).
	demoCommuneName = "xã Võ Nhai"
	demoNeighbour   = "05101"
	demoTokenTTL    = 24 * time.Hour
)

var (
	demoAdmin   = auth.Identity{Subject: "demo-admin", Role: auth.Admin}
	demoOfficer = auth.Identity{Subject: "demo-officer-" + demoCommune, Role: auth.CommuneOfficer, Unit: demoCommune}
	// demoLoader is who the audit says loaded the demo data.
	demoLoader = auth.Identity{Subject: "ntm-up-demo", Role: auth.System}
)

// ephemeralKeys is a key set made for one run of `ntm up --demo` without
// keys: its tokens die with the process.
func ephemeralKeys() (*auth.KeySet, error) {
	data, err := auth.NewKeySet("demo-"+time.Now().UTC().Format("20060102T150405"), auth.EdDSA)
	if err != nil {
		return nil, err
	}
	return auth.ParseKeySet(data)
}

// demoTokensFile is where `ntm up --demo` leaves the tour's tokens, for
// `. data/demo-tokens.env` in another terminal.
const demoTokensFile = "demo-tokens.env"

// demoTokens are the tour's tokens, signed once per run of `ntm up --demo`:
// printed, written to demoTokensFile, and offered by the dashboard's
// sign-in page.
type demoTokens struct {
	admin, officer string
}

// signDemoTokens signs the admin's and the commune officer's tokens.
func signDemoTokens(keys *auth.KeySet) (demoTokens, error) {
	now := time.Now()
	admin, err := keys.Sign(demoAdmin, demoTokenTTL, now)
	if err != nil {
		return demoTokens{}, err
	}
	officer, err := keys.Sign(demoOfficer, demoTokenTTL, now)
	return demoTokens{admin: admin, officer: officer}, err
}

// forDashboard labels the tokens for the sign-in page's buttons, in the
// words an office uses for who signs in.
func (t demoTokens) forDashboard() []gateway.DemoToken {
	return []gateway.DemoToken{
		{LabelVI: "Quản trị (demo)", LabelEN: "Administrator (demo)", Token: t.admin},
		{LabelVI: "Cán bộ " + demoCommuneName + " (demo)", LabelEN: "Officer of " + demoCommuneName + " (demo)", Token: t.officer},
	}
}

// writeDemoTokens prints the tokens of the README tour and writes them,
// as shell assignments, to demoTokensFile in dir (readable by the owner
// only: they are an admin's credentials).
func writeDemoTokens(w io.Writer, dir string, tokens demoTokens) error {
	env := fmt.Sprintf("ADMIN_TOKEN=%s\nOFFICER_TOKEN=%s\n", tokens.admin, tokens.officer)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, demoTokensFile)
	if err := os.WriteFile(path, []byte(env), 0o600); err != nil {
		return err
	}
	// WriteFile keeps the mode of a file that already exists.
	if err := os.Chmod(path, 0o600); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "Demo tokens (valid %v; send as Authorization: Bearer …), also in %s:\n  ADMIN_TOKEN=%s\n  OFFICER_TOKEN=%s   (commune officer of %s)\n",
		demoTokenTTL, path, tokens.admin, tokens.officer, demoCommune)
	return err
}

// tokenEnv holds the token of the client commands when --token is not given.
const tokenEnv = "NTM_TOKEN"

// tokenFlag defines --token on a command that calls the services.
func tokenFlag(fs *flag.FlagSet) *string {
	return fs.String("token", "", "bearer token to call the services with (`ntm token create`); default "+tokenEnv)
}

// withToken is ctx carrying a bearer token for outgoing gRPC calls; an
// empty token leaves ctx as it is (a suite without authentication).
func withToken(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// signedAs is ctx calling as id for a few minutes, signed with keys (nil:
// no authentication, no token).
func signedAs(ctx context.Context, keys *auth.KeySet, id auth.Identity) (context.Context, error) {
	if keys == nil {
		return ctx, nil
	}
	token, err := keys.Sign(id, 10*time.Minute, time.Now())
	return withToken(ctx, token), err
}
