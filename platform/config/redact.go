package config

import (
	"flag"
	"log/slog"
	"net/url"
	"strings"
)

// mask replaces a secret value in logs; it does not hint at the value's length.
const mask = "xxxxx"

// secretWords mark a flag (or a URL query parameter) whose value is a secret.
var secretWords = []string{"password", "secret", "token", "key"}

func secret(name string) bool {
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Redacted returns one slog attribute per flag of fs, with its effective value,
// for logging the configuration at start. Flags named like secrets (password,
// secret, token, key) are masked; for flags named like URLs only the password
// and secret-looking query parameters are. Empty values stay visible, so a
// missing secret is evident.
func Redacted(fs *flag.FlagSet) []any {
	var attrs []any
	fs.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		switch {
		case v == "":
		case secret(f.Name):
			v = mask
		case strings.Contains(strings.ToLower(f.Name), "url"):
			v = redactURL(v)
		}
		attrs = append(attrs, slog.String(f.Name, v))
	})
	return attrs
}

// redactURL masks the password and secret query parameters (pgx accepts
// ?password=) of a URL. Anything that does not parse as an absolute URL, such
// as a key=value DSN, could hold a password anywhere and is masked whole.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return mask
	}
	if q := u.Query(); len(q) > 0 {
		changed := false
		for k := range q {
			if secret(k) {
				q.Set(k, mask)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted()
}
