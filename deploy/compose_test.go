package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// suite are the suite's commands compose and the overlays run.
var suite = []string{"registry", "criteria", "ocop", "funding", "report", "gateway"}

// loadCompose loads compose.yaml as `docker compose` does (interpolation,
// anchors and merges, paths resolved, the spec's schema checked).
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	dir, err := filepath.Abs("compose")
	if err != nil {
		t.Fatal(err)
	}
	p, err := loader.LoadWithContext(t.Context(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml")}},
		Environment: types.Mapping{},
	})
	if err != nil {
		t.Fatalf("load compose.yaml: %v", err)
	}
	return p
}

func TestCompose(t *testing.T) {
	p := loadCompose(t)
	want := append([]string{"postgres", "redis"}, suite...)
	got := p.ServiceNames()
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("services %v, want %v", got, want)
	}
	for _, name := range got {
		s := p.Services[name]
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 || s.HealthCheck.Disable {
			t.Errorf("%s: no health check", name)
		}
	}
	if img := p.Services["postgres"].Image; img != "postgres:15" {
		t.Errorf("postgres image %q, want postgres:15", img)
	}
	if img := p.Services["redis"].Image; img != "redis:7" {
		t.Errorf("redis image %q, want redis:7", img)
	}
	if cmd := p.Services["redis"].Command; !noeviction(cmd) {
		t.Errorf("redis command %v, want --maxmemory-policy noeviction", cmd)
	}
	criteria := p.Services["criteria"]
	if r := criteria.GetScale(); r != 2 {
		t.Errorf("criteria: %d replicas, want 2", r)
	}

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	secret, ok := p.Secrets["auth_keys"]
	if !ok || secret.Environment != "NTM_AUTH_KEYS" {
		t.Errorf("secret auth_keys %+v, want it from the environment's NTM_AUTH_KEYS", secret)
	}
	for _, name := range suite {
		s := p.Services[name]
		b := s.Build
		if b == nil || b.Context != root || b.Dockerfile != "deploy/docker/Dockerfile" || b.Args["SERVICE"] == nil || *b.Args["SERVICE"] != name {
			t.Errorf("%s: build %+v, want deploy/docker/Dockerfile from the repository root with SERVICE=%s", name, b, name)
		} else if _, err := os.Stat(filepath.Join(b.Context, b.Dockerfile)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if s.Image == "" {
			t.Errorf("%s: no image name to tag the build with", name)
		}
		if !slices.ContainsFunc(s.Secrets, func(r types.ServiceSecretConfig) bool { return r.Source == "auth_keys" }) {
			t.Errorf("%s: does not mount the auth_keys secret", name)
		}
		if v := s.Environment["NTM_AUTH_KEYS_FILE"]; v == nil || *v != "/run/secrets/auth_keys" {
			t.Errorf("%s: NTM_AUTH_KEYS_FILE is not the secret's file", name)
		}
		if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
			t.Errorf("%s: not read-only without capabilities", name)
		}
	}
	if ports := p.Services["gateway"].Ports; len(ports) != 1 || ports[0].Target != 8080 {
		t.Errorf("gateway ports %+v, want 8080 published", ports)
	}
	for _, name := range suite {
		if name != "gateway" && len(p.Services[name].Ports) > 0 {
			t.Errorf("%s publishes ports: only the gateway is reachable from outside", name)
		}
	}
}
