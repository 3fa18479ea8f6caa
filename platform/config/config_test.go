package config_test

import (
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ntmsuite/ntm/platform/config"
)

type settings struct {
	addr    string
	timeout time.Duration
	debug   bool
}

func flags() (*flag.FlagSet, *settings) {
	s := &settings{}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&s.addr, "grpc-addr", ":9090", "")
	fs.DurationVar(&s.timeout, "shutdown-timeout", 10*time.Second, "")
	fs.BoolVar(&s.debug, "debug", false, "")
	return fs, s
}

func TestParse(t *testing.T) {
	t.Setenv("NTM_GRPC_ADDR", ":7000")
	t.Setenv("NTM_SHUTDOWN_TIMEOUT", "3s")
	t.Setenv("NTM_DEBUG", "") // empty counts as unset

	fs, s := flags()
	if err := config.Parse(fs, []string{"-grpc-addr", ":8000"}, "NTM_"); err != nil {
		t.Fatal(err)
	}
	if s.addr != ":8000" {
		t.Errorf("flag should beat env: addr = %q", s.addr)
	}
	if s.timeout != 3*time.Second {
		t.Errorf("env should beat default: timeout = %v", s.timeout)
	}
	if s.debug {
		t.Error("empty env changed the default")
	}
}

func TestParseDefault(t *testing.T) {
	fs, s := flags()
	if err := config.Parse(fs, nil, "NTM_TEST_UNSET_"); err != nil {
		t.Fatal(err)
	}
	if s.addr != ":9090" || s.timeout != 10*time.Second {
		t.Errorf("defaults lost: %+v", s)
	}
}

func TestParseBadEnv(t *testing.T) {
	t.Setenv("NTM_SHUTDOWN_TIMEOUT", "soon")
	fs, _ := flags()
	err := config.Parse(fs, nil, "NTM_")
	if err == nil || !strings.Contains(err.Error(), "NTM_SHUTDOWN_TIMEOUT") {
		t.Fatalf("err = %v, want one naming NTM_SHUTDOWN_TIMEOUT", err)
	}
}

func TestParseBadFlag(t *testing.T) {
	fs, _ := flags()
	if err := config.Parse(fs, []string{"-no-such-flag"}, "NTM_"); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

func TestEnvName(t *testing.T) {
	if got := config.EnvName("NTM_", "postgres-url"); got != "NTM_POSTGRES_URL" {
		t.Errorf("EnvName = %q", got)
	}
}

func TestRedacted(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.String("grpc-addr", ":9090", "")
	fs.String("postgres-url", "postgres://ntm:s3cret@db:5432/ntm?sslmode=disable", "")
	fs.String("replica-url", "postgres://db/ntm?password=s3cret&sslmode=disable", "")
	fs.String("dsn-url", "host=db password=s3cret", "")
	fs.String("jwt-secret", "s3cret", "")
	fs.String("api-key", "s3cret", "")
	fs.String("admin-password", "", "")

	got := map[string]string{}
	for _, a := range config.Redacted(fs) {
		attr := a.(slog.Attr)
		got[attr.Key] = attr.Value.String()
	}
	want := map[string]string{
		"grpc-addr":      ":9090",
		"postgres-url":   "postgres://ntm:xxxxx@db:5432/ntm?sslmode=disable",
		"replica-url":    "postgres://db/ntm?password=xxxxx&sslmode=disable",
		"dsn-url":        "xxxxx",
		"jwt-secret":     "xxxxx",
		"api-key":        "xxxxx",
		"admin-password": "", // unset stays visible
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	for k, v := range got {
		if strings.Contains(v, "s3cret") {
			t.Errorf("%s leaks the secret: %q", k, v)
		}
	}
}
