package config_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/ntmsuite/ntm/platform/config"
)

func TestLogOptions(t *testing.T) {
	for v, want := range map[string]slog.Level{"": slog.LevelInfo, "debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		t.Setenv(config.LogLevelEnv, v)
		o, err := config.LogOptions()
		if err != nil || o.Level.Level() != want {
			t.Errorf("%s=%q: level %v, %v; want %v", config.LogLevelEnv, v, o.Level, err, want)
		}
	}
	t.Setenv(config.LogLevelEnv, "verbose")
	o, err := config.LogOptions()
	if err == nil {
		t.Error("NTM_LOG_LEVEL=verbose accepted")
	}
	if slog.New(slog.NewTextHandler(nil, o)).Enabled(context.Background(), slog.LevelDebug) {
		t.Error("after a bad level the log is at debug, want info")
	}
}
