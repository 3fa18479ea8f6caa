package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/config"
)

const tokenUsage = `usage:
  ntm token create --role ROLE [--unit CODE] [--subject NAME] [--ttl 24h] [--keys-file FILE]
  ntm token keygen [--alg EdDSA|HS256] [--kid ID]
  ntm token id TOKEN        (the id to list in a revocation file, and whose the token is)
Keys come from --keys-file or NTM_AUTH_KEYS (the JSON that keygen prints)`

func tokenCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	switch args[0] {
	case "create":
		return tokenCreate(args[1:], stdout)
	case "keygen":
		return tokenKeygen(args[1:], stdout)
	case "id":
		return tokenID(args[1:], stdout)
	}
	return fmt.Errorf("unknown token command %q\n%s", args[0], tokenUsage)
}

// tokenCreate prints a signed token for a role and a unit.
func tokenCreate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ntm token create", flag.ContinueOnError)
	role := fs.String("role", "", fmt.Sprintf("one of %v", auth.Roles))
	unit := fs.String("unit", "", "unit code of an officer (the subtree they write in), or a viewer's")
	subject := fs.String("subject", "", "who the token is for, as the audit shows it; defaults to ROLE@UNIT")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid, at most --auth-max-ttl")
	maxTTL := fs.Duration("auth-max-ttl", auth.DefaultMaxTTL, "the longest a token may live; the services refuse longer ones with their own --auth-max-ttl")
	keysFile := fs.String("keys-file", "", "key set file (JSON from `ntm token keygen`); empty reads NTM_AUTH_KEYS")
	if err := config.Parse(fs, args, "NTM_"); err != nil {
		return err
	}
	if err := unitShape(auth.Role(*role), *unit); err != nil {
		return err
	}
	ks, err := auth.LoadKeySet(*keysFile)
	if err != nil {
		return err
	}
	ks.SetMaxTTL(*maxTTL)
	sub := *subject
	if sub == "" {
		sub = *role + "@" + *unit
	}
	token, err := ks.Sign(auth.Identity{Subject: sub, Role: auth.Role(*role), Unit: *unit}, *ttl, time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}

// unitShape refuses a unit whose code says it is of the wrong type for
// role, as the official codes do (Decision 124/2004/QĐ-TTg: a province has
// 2 digits, a district 3, a commune 5): a commune officer of a province
// would write anywhere in it. Other codes are left to the services, which
// refuse a unit the registry shows to be of the wrong type.
func unitShape(role auth.Role, unit string) error {
	switch {
	case role == auth.CommuneOfficer && (len(unit) == 2 || len(unit) == 3):
		return fmt.Errorf("a %s's unit must be a commune: %s is the code of a province (2 digits) or a district (3); a commune's has 5", role, unit)
	case role == auth.ProvinceOfficer && len(unit) == 5:
		return fmt.Errorf("a %s's unit must be a province (or, before 2025, a district): %s is the code of a commune; give a %s token", role, unit, auth.CommuneOfficer)
	}
	return nil
}

// tokenID prints the id (jti) and subject of a token, without verifying it.
func tokenID(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: ntm token id TOKEN")
	}
	id, sub, err := auth.TokenID(args[0])
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "jti %s\nsub %s\n", id, sub)
	return err
}

// tokenKeygen prints a new key set of one key.
func tokenKeygen(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ntm token keygen", flag.ContinueOnError)
	alg := fs.String("alg", auth.EdDSA, "EdDSA (services verify with the public half) or HS256 (one shared secret)")
	kid := fs.String("kid", time.Now().UTC().Format("2006-01"), "key id written in the tokens' header")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := auth.NewKeySet(*kid, *alg)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(data))
	return err
}
