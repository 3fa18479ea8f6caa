package gateway

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/tlstest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// secureEnv is a registry (a stub behind the real interceptor chain, so
// tokens are verified) serving mTLS, and a gateway dialling it with its
// client certificate and serving HTTPS, each with its own key set loaded
// from one key file and its own watch of one revocation file, as separate
// processes have.
type secureEnv struct {
	files       tlstest.Files
	keys        []byte
	revoked     string
	grpcAddr    string
	httpsURL    string
	httpsClient *http.Client
	// lastProto is the HTTP major version of the last rest call.
	lastProto     int
	grpcClientTLS *tls.Config
}

func newSecureEnv(t *testing.T) *secureEnv {
	t.Helper()
	e := &secureEnv{files: tlstest.New(t), revoked: filepath.Join(t.TempDir(), "revoked.json")}
	var err error
	if e.keys, err = auth.NewKeySet("k1", auth.EdDSA); err != nil {
		t.Fatal(err)
	}
	writeFile(t, e.revoked, `{}`)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	keySet := func() *auth.KeySet {
		ks, err := auth.ParseKeySet(e.keys)
		if err != nil {
			t.Fatal(err)
		}
		if err := ks.UseRevocations(ctx, e.revoked, time.Millisecond, func(err error) { t.Error(err) }); err != nil {
			t.Fatal(err)
		}
		return ks
	}

	serverTLS, err := config.TLSFiles{Cert: e.files.Cert, Key: e.files.Key, CA: e.files.CA}.Server()
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpcserver.New(grpcserver.Options{AuthKeys: keySet(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	registryv1.RegisterRegistryServiceServer(srv.GRPC(), &stubRegistry{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, tls.NewListener(lis, serverTLS)) }()
	t.Cleanup(func() { cancel(); <-served })
	e.grpcAddr = lis.Addr().String()

	if e.grpcClientTLS, err = (config.TLSFiles{Cert: e.files.Cert, Key: e.files.Key, CA: e.files.CA}).Client(); err != nil {
		t.Fatal(err)
	}
	gw, err := New(ctx, Options{RegistryAddr: e.grpcAddr, AuthKeys: keySet(), DialTLS: e.grpcClientTLS,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	httpsTLS, err := config.TLSFiles{Cert: e.files.Cert, Key: e.files.Key}.Server()
	if err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: time.Second}
	go func() { _ = hs.Serve(tls.NewListener(hl, httpsTLS)) }()
	t.Cleanup(func() { _ = hs.Close() })
	e.httpsURL = "https://" + hl.Addr().String()
	roots, err := config.TLSFiles{CA: e.files.CA}.Client()
	if err != nil {
		t.Fatal(err)
	}
	e.httpsClient = &http.Client{Transport: &http.Transport{TLSClientConfig: roots}}
	return e
}

func writeFile(t *testing.T, file, content string) {
	t.Helper()
	// Replaced whole, so that a watcher never reads it half-written.
	if err := os.WriteFile(file+".tmp", []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file+".tmp", file); err != nil {
		t.Fatal(err)
	}
}

// sign issues a token for id with the env's keys.
func (e *secureEnv) sign(t *testing.T, id auth.Identity) string {
	t.Helper()
	ks, err := auth.ParseKeySet(e.keys)
	if err != nil {
		t.Fatal(err)
	}
	token, err := ks.Sign(id, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// rest is the status of GET /v1/units/19 through the gateway over HTTPS.
func (e *secureEnv) rest(t *testing.T, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.httpsURL+"/v1/units/19", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.httpsClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	e.lastProto = resp.ProtoMajor
	return resp.StatusCode
}

// grpc is the code of GetUnit called on the registry directly, over mTLS.
func (e *secureEnv) grpc(t *testing.T, token string, creds credentials.TransportCredentials) codes.Code {
	t.Helper()
	conn, err := grpc.NewClient(e.grpcAddr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+token)
	_, err = registryv1.NewRegistryServiceClient(conn).GetUnit(ctx, &registryv1.GetUnitRequest{Code: "19"})
	return status.Code(err)
}

// The gateway serves HTTPS and reaches an mTLS service with its client
// certificate, end to end; the service refuses a plaintext client and a
// TLS client without a certificate.
func TestGatewayOverHTTPSToAnMTLSService(t *testing.T) {
	e := newSecureEnv(t)
	admin := e.sign(t, auth.Identity{Subject: "a", Role: auth.Admin})
	if code := e.rest(t, admin); code != http.StatusOK {
		t.Fatalf("GET over HTTPS through mTLS: %d, want 200", code)
	}
	// HTTP/2 is offered, as browsers ask for it, and served.
	h1 := e.httpsClient
	e.httpsClient = &http.Client{Transport: &http.Transport{TLSClientConfig: h1.Transport.(*http.Transport).TLSClientConfig, ForceAttemptHTTP2: true}}
	if code := e.rest(t, admin); code != http.StatusOK || e.lastProto != 2 {
		t.Errorf("GET over HTTPS, HTTP/2 offered: %d over HTTP/%d, want 200 over HTTP/2", code, e.lastProto)
	}
	e.httpsClient = h1
	if code := e.grpc(t, admin, credentials.NewTLS(e.grpcClientTLS)); code != codes.OK {
		t.Errorf("gRPC with the client certificate: %v, want OK", code)
	}
	if code := e.grpc(t, admin, insecure.NewCredentials()); code != codes.Unavailable {
		t.Errorf("plaintext gRPC client: %v, want Unavailable", code)
	}
	noCert := e.grpcClientTLS.Clone()
	noCert.Certificates = nil
	if code := e.grpc(t, admin, credentials.NewTLS(noCert)); code != codes.Unavailable {
		t.Errorf("gRPC without a client certificate: %v, want Unavailable", code)
	}
	// Plain HTTP gets the server's 400 for an HTTP request to HTTPS, never the API.
	if resp, err := http.Get("http" + e.httpsURL[len("https"):] + "/healthz"); err == nil {
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the HTTPS listener: %d, want 400", resp.StatusCode)
		}
	}
}

// A token listed in the revocation file by its id, or with its subject,
// is refused on REST and on gRPC without restarting either process; other
// tokens keep working.
func TestRevokedTokenIsRefusedOnRESTAndGRPCWithoutRestart(t *testing.T) {
	e := newSecureEnv(t)
	creds := credentials.NewTLS(e.grpcClientTLS)
	leaked := e.sign(t, auth.Identity{Subject: "can-bo", Role: auth.Viewer})
	sameSubject := e.sign(t, auth.Identity{Subject: "can-bo", Role: auth.Viewer})
	other := e.sign(t, auth.Identity{Subject: "khac", Role: auth.Viewer})
	for _, token := range []string{leaked, sameSubject, other} {
		if e.rest(t, token) != http.StatusOK || e.grpc(t, token, creds) != codes.OK {
			t.Fatal("a token is refused before any revocation")
		}
	}
	// refusedBoth polls until both processes have re-read the file.
	refusedBoth := func(token string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for e.rest(t, token) != http.StatusUnauthorized || e.grpc(t, token, creds) != codes.Unauthenticated {
			if time.Now().After(deadline) {
				t.Fatalf("not refused on REST (%d) and gRPC (%v)", e.rest(t, token), e.grpc(t, token, creds))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	jti, _, err := auth.TokenID(leaked)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, e.revoked, `{"tokens": ["`+jti+`"]}`)
	refusedBoth(leaked)
	for _, token := range []string{sameSubject, other} {
		if code, c := e.rest(t, token), e.grpc(t, token, creds); code != http.StatusOK || c != codes.OK {
			t.Errorf("another token after revoking one: REST %d, gRPC %v", code, c)
		}
	}
	writeFile(t, e.revoked, `{"subjects": [{"sub": "can-bo"}]}`)
	refusedBoth(sameSubject)
	if code, c := e.rest(t, other), e.grpc(t, other, creds); code != http.StatusOK || c != codes.OK {
		t.Errorf("another subject's token after revoking a subject: REST %d, gRPC %v", code, c)
	}
}
