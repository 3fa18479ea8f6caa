package servicemain

import (
	"context"
	"crypto/tls"
	"flag"
	"net"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
)

// TLSFlags are a serving command's --tls-cert, --tls-key, --tls-ca (see
// config.TLSFiles) and --profile (config.CheckProfile).
type TLSFlags struct {
	files   config.TLSFiles
	profile *string
}

// NewTLSFlags defines the flags on fs, for every command that serves.
func NewTLSFlags(fs *flag.FlagSet) *TLSFlags {
	f := &TLSFlags{}
	f.files.Register(fs)
	f.profile = fs.String("profile", config.Development, "development, or production: refuse to start with a plaintext listener or dial, or with --no-auth")
	return f
}

// Transport is how a service serves and dials: TLS, mTLS or plaintext.
type Transport struct {
	server, client *tls.Config
}

// Load reads the certificates and checks the profile: under production, a
// plaintext gRPC listener, a plaintext dial to any of dials (the services
// the command reaches) or --no-auth of a stops the command, naming what is
// missing.
func (f *TLSFlags) Load(a *AuthFlags, dials ...string) (Transport, error) {
	server, err := f.files.Server()
	if err != nil {
		return Transport{}, err
	}
	client, err := f.files.Client()
	if err != nil {
		return Transport{}, err
	}
	s := config.Settings{Listeners: map[string]bool{"the gRPC listener": server != nil},
		Dials: map[string]bool{}, NoAuth: *a.off}
	for _, d := range dials {
		s.Dials[d] = client != nil
	}
	return Transport{server: server, client: client}, config.CheckProfile(*f.profile, s)
}

// Serving wraps serve so that it serves on Listen(lis).
func (t Transport) Serving(serve func(context.Context, net.Listener) error) func(context.Context, net.Listener) error {
	if t.server == nil {
		return serve
	}
	return func(ctx context.Context, lis net.Listener) error { return serve(ctx, t.Listen(lis)) }
}

// Listen is lis serving TLS when the transport has a certificate (the
// server configuration offers h2, which gRPC clients ask for), as is
// otherwise.
func (t Transport) Listen(lis net.Listener) net.Listener {
	if t.server == nil {
		return lis
	}
	return tls.NewListener(lis, t.server)
}

// Public is the TLS configuration of a listener serving the public (the
// gateway's HTTPS, in `ntm up`): the transport's certificate without
// asking for a client certificate; nil when it serves plaintext.
func (t Transport) Public() *tls.Config {
	if t.server == nil {
		return nil
	}
	c := t.server.Clone()
	c.ClientAuth, c.ClientCAs = tls.NoClientCert, nil
	return c
}

// Client is the TLS configuration of the transport's clients, nil for
// plaintext (gateway.Options.DialTLS).
func (t Transport) Client() *tls.Config { return t.client }

// Dial is the dial option of the transport's clients (grpcclient.WithTLS).
func (t Transport) Dial() grpc.DialOption { return grpcclient.WithTLS(t.client) }
