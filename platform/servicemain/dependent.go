package servicemain

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/ratelimit"
	"github.com/ntmsuite/ntm/platform/telemetry"
)

// defaultRegistryAddr is the registry's own default --grpc-addr, so that every
// command finds it on one machine without flags.
const defaultRegistryAddr = "127.0.0.1:9101"

// Dependent describes a command whose service reads the registry and caches
// what it computes from it (criteria, ocop, funding): its name and the
// defaults and help texts that differ between them. The flags themselves
// are the same for all.
type Dependent struct {
	Name string
	// GRPCAddr and MetricsAddr are the default listen addresses.
	GRPCAddr, MetricsAddr string
	// SQLitePath and PostgresSchema are the default database file and schema.
	SQLitePath, PostgresSchema string
	// CatalogHelp and RedisHelp are the help texts of --catalog-dir and
	// --redis-addr, which say what the service's catalog and cache hold.
	CatalogHelp, RedisHelp string
}

// Deps is what the flags and the connections RunDependent makes give the
// service's Open: each service's Config is built from it field by field.
type Deps struct {
	// The values of the flags of the same names (the flag or its NTM_*
	// variable, else Dependent's default).
	SQLitePath, PostgresURL, PostgresSchema, CatalogDir string
	Reflection                                          bool
	// Registry is a connection to the registry at --registry-addr.
	Registry grpc.ClientConnInterface
	// Cache is Redis at --redis-addr, shared with the registry and every
	// replica; this process's memory when --redis-addr is empty.
	Cache  cache.Cache
	Logger *slog.Logger
	// Metrics and Registerer report to the registry /metrics serves.
	Metrics    *grpcserver.Metrics
	Registerer prometheus.Registerer
	// AuthKeys are the key set of --auth-keys-file; nil serves without
	// authentication.
	AuthKeys *auth.KeySet
	// RateLimit is the policy of the --rate-limit-* flags, counted in Redis
	// at --redis-addr when given.
	RateLimit *ratelimit.Policy
}

// Service is an opened service, ready to serve.
type Service interface {
	Serve(ctx context.Context, lis net.Listener) error
	Close() error
}

// RunDependent is the run function (see Main) of a Dependent command: it
// parses args (and NTM_* environment variables), connects to the cache and
// the registry, opens the service with open and serves it until ctx is done.
// The service returned by open is used only when its error is nil.
func RunDependent(ctx context.Context, args []string, logger *slog.Logger, d Dependent, open func(context.Context, Deps) (Service, error)) error {
	fs := flag.NewFlagSet(d.Name, flag.ContinueOnError)
	sf := newServingFlags(fs, d.GRPCAddr, d.MetricsAddr)
	registryAddr := fs.String("registry-addr", defaultRegistryAddr, "registry gRPC address")
	redisAddr := fs.String("redis-addr", "", d.RedisHelp)
	sqlitePath := fs.String("sqlite-path", d.SQLitePath, "SQLite database file, used when --postgres-url is empty")
	pgURL := fs.String("postgres-url", "", "PostgreSQL URL; selects PostgreSQL")
	pgSchema := fs.String("postgres-schema", d.PostgresSchema, "PostgreSQL schema of the service's tables")
	catalogDir := fs.String("catalog-dir", "", d.CatalogHelp)
	keys, err := sf.parse(ctx, fs, args, logger, d.Name)
	if err != nil {
		return err
	}
	stopTracing, err := telemetry.Setup(ctx, telemetry.Config{Service: d.Name, Endpoint: *sf.otlp, Logger: logger})
	if err != nil {
		return err
	}
	defer stopTracing() // last: flushes the spans of the calls just drained

	transport, err := sf.tls.Load(sf.auth, "the registry (--registry-addr)")
	if err != nil {
		return err
	}

	var c cache.Cache = cache.NewMemory()
	var r *cache.Redis // nil: rate limits counted in this process
	if *redisAddr != "" {
		r = sf.limits.Redis(*redisAddr)
		defer r.Close()
		c = r
	}
	conn, err := grpcclient.Dial(*registryAddr, transport.Dial())
	if err != nil {
		return err
	}
	defer conn.Close()
	reg := prometheus.NewRegistry()
	svc, err := open(ctx, Deps{SQLitePath: *sqlitePath, PostgresURL: *pgURL, PostgresSchema: *pgSchema,
		CatalogDir: *catalogDir, Registry: conn, Cache: c,
		Logger: logger, Metrics: grpcserver.NewMetrics(reg), Registerer: reg, Reflection: *sf.reflection, AuthKeys: keys,
		RateLimit: sf.limits.Policy(r, logger)})
	if err != nil {
		return err
	}
	defer svc.Close()
	return Serve(ctx, logger, *sf.grpcAddr, *sf.metricsAddr, reg, transport.Serving(svc.Serve))
}

// servingFlags are the flags of every command that serves: where it
// listens, reflection, the keys that verify tokens and transport security.
type servingFlags struct {
	grpcAddr, metricsAddr *string
	reflection            *bool
	auth                  *AuthFlags
	limits                *LimitFlags
	tls                   *TLSFlags
	otlp                  *string // --otlp-endpoint
}

func newServingFlags(fs *flag.FlagSet, grpcAddr, metricsAddr string) servingFlags {
	return servingFlags{
		grpcAddr:    fs.String("grpc-addr", grpcAddr, "gRPC listen address"),
		metricsAddr: fs.String("metrics-addr", metricsAddr, "Prometheus /metrics listen address; empty disables"),
		reflection:  fs.Bool("reflection", false, "register gRPC reflection (for grpcurl)"),
		auth:        NewAuthFlags(fs),
		limits:      NewLimitFlags(fs),
		tls:         NewTLSFlags(fs),
		otlp:        telemetry.EndpointFlag(fs),
	}
}

// parse parses args (and NTM_* environment variables), logs the settings
// without secrets and loads the keys.
func (sf servingFlags) parse(ctx context.Context, fs *flag.FlagSet, args []string, logger *slog.Logger, name string) (*auth.KeySet, error) {
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return nil, err
	}
	logger.Info("starting "+name, config.Redacted(fs)...)
	return sf.auth.Load(ctx, logger)
}

// AuthFlags are a command's --auth-keys-file, --no-auth, --auth-max-ttl
// and --auth-revoked-file.
type AuthFlags struct {
	file    *string
	off     *bool
	maxTTL  *time.Duration
	revoked *string
}

// NewAuthFlags defines --auth-keys-file and --no-auth on fs, for every
// command that serves.
func NewAuthFlags(fs *flag.FlagSet) *AuthFlags {
	return &AuthFlags{
		file:    fs.String("auth-keys-file", "", "key set (JSON from `ntm token keygen`) verifying bearer tokens; empty reads "+auth.KeysEnv),
		off:     fs.Bool("no-auth", false, "serve without authentication: anyone may read and write everything (a laptop, never an office's server)"),
		maxTTL:  fs.Duration("auth-max-ttl", auth.DefaultMaxTTL, "the longest a token may live (exp − iat); longer ones are refused"),
		revoked: fs.String("auth-revoked-file", "", `revocation list, re-read as it changes: {"tokens": ["<jti>"], "subjects": [{"sub": "…", "issued_before": "RFC 3339"}]}`),
	}
}

// ErrNoAuthKeys is Load's answer when no keys are given and --no-auth is
// not: an office's server never ends up open by a missing setting.
var ErrNoAuthKeys = errors.New("no keys to verify bearer tokens: give --auth-keys-file (or " + auth.KeysEnv + "), or --no-auth to serve without authentication")

// Load reads the key set of the flags (or auth.KeysEnv); nil with
// --no-auth. Keys from a file, and the revocation list, are read again as
// they change until ctx ends (auth.KeySet.Enforce), so keys rotate and
// tokens are revoked without a restart.
func (f *AuthFlags) Load(ctx context.Context, logger *slog.Logger) (*auth.KeySet, error) {
	keys, err := auth.LoadKeySet(*f.file)
	switch {
	case *f.off && (err == nil || !errors.Is(err, auth.ErrNoKeys)):
		return nil, errors.New("--no-auth and keys both given: choose one")
	case *f.off:
		return nil, nil
	case errors.Is(err, auth.ErrNoKeys):
		return nil, ErrNoAuthKeys
	case err != nil:
		return nil, err
	}
	return keys, keys.Enforce(ctx, *f.file, *f.revoked, *f.maxTTL, logger)
}
