package ratelimit

import (
	"context"
	"flag"
	"time"
)

// Rule names, the middle part of a counter's key.
const (
	principalRule  = "principal"
	addressRule    = "address"
	failedAuthRule = "authfail"
)

// Policy is the suite's rules: calls per principal, calls per client
// address, and failed authentications per client address (the strict one).
// A nil *Policy allows everything.
//
// Every count is kept per scope: the gateway counts REST requests under
// "gateway" and each service the calls of its own gRPC service, so a REST
// request that fans out to several services (a report reads four) costs
// one call in each, not several in one shared count.
type Policy struct {
	Limiter    *Limiter
	Principal  Rule
	Address    Rule
	FailedAuth Rule
}

// Call counts one authenticated (or, without authentication, anonymous:
// subject "") call from addr; the address rule answers first, then the
// principal's.
func (p *Policy) Call(ctx context.Context, scope, subject, addr string) Decision {
	if p == nil {
		return Decision{Allowed: true}
	}
	if d := p.Limiter.Allow(ctx, scope+":"+addressRule, p.Address, addr); !d.Allowed {
		return d
	}
	if subject == "" {
		return Decision{Allowed: true}
	}
	return p.Limiter.Allow(ctx, scope+":"+principalRule, p.Principal, subject)
}

// Failure counts one failed authentication from addr; refused, the caller
// answers "too many requests" instead of "unauthenticated".
func (p *Policy) Failure(ctx context.Context, scope, addr string) Decision {
	if p == nil {
		return Decision{Allowed: true}
	}
	return p.Limiter.Allow(ctx, scope+":"+failedAuthRule, p.FailedAuth, addr)
}

// LocalFailure is Failure counted in this process only, for callers that
// must not wait on the network: gRPC's tap handle runs on the connection's
// reader while it holds the transport's lock.
func (p *Policy) LocalFailure(scope, addr string) Decision {
	if p == nil || p.FailedAuth.off() {
		return Decision{Allowed: true}
	}
	return p.Limiter.local.allow(scope+":"+failedAuthRule+":"+addr, p.FailedAuth, time.Now())
}

// Defaults per minute. They are far above what one office or the demo
// does (the demo loads a province in a few hundred calls; the test suite
// makes at most some thousands a minute as one admin), so they only stop
// floods: a deployment tightens them with the flags.
const (
	DefaultPrincipalPerMinute  = 12000
	DefaultAddressPerMinute    = 60000
	DefaultFailedAuthPerMinute = 120
)

// Default is the policy of the defaults, counted by l.
func Default(l *Limiter) *Policy {
	return &Policy{
		Limiter:    l,
		Principal:  Rule{Limit: DefaultPrincipalPerMinute, Window: time.Minute},
		Address:    Rule{Limit: DefaultAddressPerMinute, Window: time.Minute},
		FailedAuth: Rule{Limit: DefaultFailedAuthPerMinute, Window: time.Minute},
	}
}

// Flags are a serving command's --rate-limit-* flags (NTM_RATE_LIMIT_* in
// the environment).
type Flags struct {
	principal, address, failedAuth *int64
}

// NewFlags defines the flags on fs.
func NewFlags(fs *flag.FlagSet) *Flags {
	return &Flags{
		principal: fs.Int64("rate-limit-principal", DefaultPrincipalPerMinute,
			"calls a minute one token subject may make to this service (through the gateway: REST requests), all replicas together when they share Redis; 0 = unlimited"),
		address: fs.Int64("rate-limit-address", DefaultAddressPerMinute,
			"calls a minute one client address may make; behind a proxy or the gateway, that is the proxy's; 0 = unlimited"),
		failedAuth: fs.Int64("rate-limit-failed-auth", DefaultFailedAuthPerMinute,
			"failed authentications a minute one client address may make before it is answered 429 / RESOURCE_EXHAUSTED; 0 = unlimited"),
	}
}

// Policy is the policy of the flags, counted by l.
func (f *Flags) Policy(l *Limiter) *Policy {
	return &Policy{
		Limiter:    l,
		Principal:  Rule{Limit: *f.principal, Window: time.Minute},
		Address:    Rule{Limit: *f.address, Window: time.Minute},
		FailedAuth: Rule{Limit: *f.failedAuth, Window: time.Minute},
	}
}
