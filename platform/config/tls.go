package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
)

// TLSFiles are the PEM files of a command's transport security. One CA
// signs the suite's certificates: a server given it requires and verifies
// client certificates (mTLS), and a client given it verifies the servers it
// dials and presents its own certificate.
type TLSFiles struct {
	// Cert and Key are this process's certificate and private key: what it
	// serves with, and what it presents when it dials with CA.
	Cert, Key string
	// CA is the certificate authority of the suite's servers and clients;
	// empty dials in plaintext and serves without client certificates.
	CA string
	// ClientCert and ClientKey, when set, are presented instead of Cert and
	// Key when dialling (the gateway serves the public a certificate the
	// suite's CA did not sign).
	ClientCert, ClientKey string
}

// Register defines --tls-cert, --tls-key and --tls-ca on fs.
func (f *TLSFiles) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Cert, "tls-cert", "", "PEM certificate to serve TLS with (and, with --tls-ca, to present when dialling); empty serves plaintext. Without --tls-ca, other services are dialled with TLS verified by the system's roots")
	fs.StringVar(&f.Key, "tls-key", "", "PEM private key of --tls-cert")
	fs.StringVar(&f.CA, "tls-ca", "", "PEM CA of the suite: serve requiring client certificates it signed (mTLS), dial other services with TLS verified by it")
}

// Server is the TLS configuration to serve with: nil without a
// certificate (plaintext); with CA, clients must present a certificate it
// signed (a server for the public, as the gateway, serves with a copy
// without CA). It offers HTTP/2 and HTTP/1.1, as gRPC and REST clients
// need.
func (f TLSFiles) Server() (*tls.Config, error) {
	if f.Cert == "" && f.Key == "" {
		if f.CA != "" && f.ClientCert == "" {
			// A CA alone would dial with TLS but present no certificate.
			return nil, errors.New("--tls-ca needs --tls-cert and --tls-key: the certificate this process serves and dials with")
		}
		return nil, nil
	}
	cert, err := keyPair(f.Cert, f.Key, "--tls-cert", "--tls-key")
	if err != nil {
		return nil, err
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	if f.CA != "" {
		if c.ClientCAs, err = certPool(f.CA); err != nil {
			return nil, err
		}
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c, nil
}

// Client is the TLS configuration to dial other services with: servers
// verified by CA, presenting ClientCert (or Cert) when one is given (mTLS).
// A process serving TLS without CA dials with TLS too, verified by the
// system's roots, and presents nothing: services serving TLS would refuse
// its plaintext. Neither: nil (plaintext).
func (f TLSFiles) Client() (*tls.Config, error) {
	if f.CA == "" {
		if f.Cert == "" {
			return nil, nil
		}
		return &tls.Config{MinVersion: tls.VersionTLS12}, nil
	}
	roots, err := certPool(f.CA)
	if err != nil {
		return nil, err
	}
	c := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	certFile, keyFile, certFlag, keyFlag := f.Cert, f.Key, "--tls-cert", "--tls-key"
	if f.ClientCert != "" || f.ClientKey != "" {
		certFile, keyFile, certFlag, keyFlag = f.ClientCert, f.ClientKey, "--tls-client-cert", "--tls-client-key"
	}
	if certFile != "" || keyFile != "" {
		cert, err := keyPair(certFile, keyFile, certFlag, keyFlag)
		if err != nil {
			return nil, err
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

func keyPair(certFile, keyFile, certFlag, keyFlag string) (tls.Certificate, error) {
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, fmt.Errorf("%s and %s go together: give both", certFlag, keyFlag)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s/%s: %w", certFlag, keyFlag, err)
	}
	return cert, nil
}

func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--tls-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--tls-ca: no PEM certificate in %s", file)
	}
	return pool, nil
}
