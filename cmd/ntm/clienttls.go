package main

import (
	"errors"
	"flag"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
)

// clientTLSFlags defines --tls-ca, --tls-cert and --tls-key on a command
// that dials a running suite (import, generate, report); the function it
// returns, called once the flags are parsed, is the dial option: TLS
// verified by the CA, presenting the certificate to services requiring
// mTLS, or plaintext without a CA.
func clientTLSFlags(fs *flag.FlagSet) func() (grpc.DialOption, error) {
	var f config.TLSFiles
	fs.StringVar(&f.CA, "tls-ca", "", "PEM CA of a suite serving TLS: dial it with TLS verified by this CA; empty dials plaintext")
	fs.StringVar(&f.ClientCert, "tls-cert", "", "PEM client certificate presented to services requiring mTLS (with --tls-ca)")
	fs.StringVar(&f.ClientKey, "tls-key", "", "PEM private key of --tls-cert")
	return func() (grpc.DialOption, error) {
		if f.CA == "" && (f.ClientCert != "" || f.ClientKey != "") {
			return nil, errors.New("--tls-cert and --tls-key need --tls-ca, the CA that signed the suite's certificates")
		}
		c, err := f.Client()
		if err != nil {
			return nil, err
		}
		return grpcclient.WithTLS(c), nil
	}
}
