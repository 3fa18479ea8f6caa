package deploy_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ntmsuite/ntm/platform/config"
)

// commands are the packages the Dockerfile builds for each service.
var commands = map[string]string{
	"registry": "./services/registry/cmd/registry", "criteria": "./services/criteria/cmd/criteria",
	"ocop": "./services/ocop/cmd/ocop", "funding": "./services/funding/cmd/funding",
	"report": "./services/report/cmd/report", "gateway": "./gateway/cmd/gateway",
}

// usageFlag is a flag's line in the usage the flag package prints for -h.
var usageFlag = regexp.MustCompile(`(?m)^  -([a-z0-9][a-z0-9-]*)`)

// flagEnv builds every command and returns, per service, the NTM_*
// variables its flags read (config.Parse), from the usage it prints: the
// binaries themselves say which flags they have.
func flagEnv(t *testing.T) map[string]map[string]bool {
	t.Helper()
	bin := t.TempDir()
	args := append([]string{"build", "-o", bin + string(filepath.Separator), "-ldflags=-s -w"}, buildFlags...)
	for _, pkg := range commands {
		args = append(args, pkg)
	}
	build := exec.Command("go", args...)
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := map[string]map[string]bool{}
	for name, pkg := range commands {
		cmd := exec.Command(filepath.Join(bin, filepath.Base(pkg)), "-h")
		cmd.Env = []string{} // no NTM_* of the test's environment
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%s -h: %v", name, err)
		}
		env[name] = map[string]bool{}
		for _, m := range usageFlag.FindAllStringSubmatch(string(out), -1) {
			env[name][config.EnvName("NTM_", m[1])] = true
		}
		if !env[name]["NTM_AUTH_KEYS_FILE"] {
			t.Fatalf("%s -h listed no --auth-keys-file: is the usage format still the flag package's?\n%s", name, out)
		}
	}
	return env
}

// Every NTM_* variable the Dockerfile, compose and the overlays give a
// command is one of its flags: a renamed flag fails here, not in a
// cluster where the variable would be silently ignored.
func TestManifestsSetRealFlags(t *testing.T) {
	flags := flagEnv(t)
	check := func(where, service string, vars []string) {
		t.Helper()
		known, ok := flags[service]
		if !ok {
			t.Errorf("%s: %s is not a command of the suite", where, service)
			return
		}
		for _, v := range vars {
			if strings.HasPrefix(v, "NTM_") && !known[v] {
				t.Errorf("%s: %s sets %s, which no flag of %s reads", where, service, v, service)
			}
		}
	}

	for service, vars := range dockerfileEnv(t) {
		check("Dockerfile", service, vars)
	}

	p := loadCompose(t)
	for _, name := range suite {
		var vars []string
		for v := range p.Services[name].Environment {
			vars = append(vars, v)
		}
		check("compose.yaml", name, vars)
	}

	for _, overlay := range overlays {
		o := build(t, overlay)
		for name, d := range o.deployments {
			if name == "redis" {
				continue
			}
			var vars []string
			for _, c := range d.Spec.Template.Spec.Containers {
				for _, e := range c.Env {
					vars = append(vars, e.Name)
				}
				for _, f := range c.EnvFrom {
					if f.ConfigMapRef == nil || o.configMaps[f.ConfigMapRef.Name] == nil {
						continue // TestSecretsAndConfig reports it
					}
					for k := range o.configMaps[f.ConfigMapRef.Name].Data {
						vars = append(vars, k)
					}
				}
				if len(c.Args) > 0 || len(c.Command) > 0 {
					t.Errorf("%s/%s: command or args %v %v: configure with NTM_* variables, which this test checks", overlay, name, c.Command, c.Args)
				}
			}
			check(overlay, name, vars)
		}
	}
}

// dockerfileEnv reads the ENV variables of the Dockerfile's stage of each
// service ("FROM runtime AS <service>").
func dockerfileEnv(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("docker/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string][]string{}
	stage := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 4 && fields[0] == "FROM" && fields[1] == "runtime" && fields[2] == "AS":
			stage = fields[3]
			env[stage] = nil
		case len(fields) > 0 && fields[0] == "FROM":
			stage = ""
		case len(fields) > 1 && fields[0] == "ENV" && stage != "":
			for _, kv := range fields[1:] {
				k, _, _ := strings.Cut(kv, "=")
				env[stage] = append(env[stage], k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range suite {
		if _, ok := env[name]; !ok {
			t.Errorf("Dockerfile: no stage %q", name)
		}
	}
	delete(env, "ntm") // the operator's tool; its stage sets nothing
	return env
}
