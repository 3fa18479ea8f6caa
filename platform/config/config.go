// Package config reads a service's settings from command-line flags with an
// environment fallback, so the same binary runs from a shell, systemd or a
// container. Precedence: flag, then environment, then the flag's default.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// EnvName is the variable consulted for a flag: prefix + the name upper-cased
// with dashes as underscores ("NTM_", "postgres-url" → NTM_POSTGRES_URL).
func EnvName(prefix, flagName string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then sets every flag not given on the command
// line from its environment variable (see EnvName), if that is set and not
// empty. An empty variable counts as unset, as compose files and unit files
// produce them for "not configured". A value the flag rejects is an error
// naming the variable. flag.ErrHelp from -h is returned as is.
func Parse(fs *flag.FlagSet, args []string, envPrefix string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })

	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if onCommandLine[f.Name] {
			return
		}
		name := EnvName(envPrefix, f.Name)
		v := os.Getenv(name)
		if v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("config: environment variable %s: %w", name, err))
		}
	})
	return errors.Join(errs...)
}
