package config

import (
	"fmt"
	"log/slog"
	"os"
)

// LogLevelEnv names the variable that sets the level of every command's
// log: debug, info (the default), warn or error. At debug the services and
// the gateway also log each successful read, which they otherwise leave to
// the metrics. It is read before any flag, as the log records the flags.
const LogLevelEnv = "NTM_LOG_LEVEL"

// LogOptions are the handler options of a command's log, at the level
// LogLevelEnv sets. A value it cannot read is an error, with options at
// info, so that the command can log the error before it stops.
func LogOptions() (*slog.HandlerOptions, error) {
	var level slog.Level
	if v := os.Getenv(LogLevelEnv); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return &slog.HandlerOptions{}, fmt.Errorf("%s=%q: want debug, info, warn or error", LogLevelEnv, v)
		}
	}
	return &slog.HandlerOptions{Level: level}, nil
}
