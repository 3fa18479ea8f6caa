// Command healthcheck is the health check of the suite's images: the
// distroless base has no shell, curl or grpc_health_probe, and Docker's
// HEALTHCHECK (which compose uses) can only run a program inside the
// container. It is built into every image as /healthcheck.
//
// Without flags it checks the service the container runs, read from the
// same environment the service reads: NTM_HTTP_ADDR (the gateway) is
// checked with GET /healthz, otherwise NTM_GRPC_ADDR with the standard
// grpc.health.v1 Check. A service serving TLS (NTM_TLS_CERT, and with
// NTM_TLS_CA mutual TLS) is dialled with TLS and its own certificate, so
// the check also works under --profile production, where Kubernetes' own
// grpc probe (plaintext only) cannot reach the service.
//
//	healthcheck [--grpc-addr host:port | --http-url URL] [--server-name NAME]
//
// It exits 0 when the service answers SERVING (HTTP 200), 1 otherwise.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ntmsuite/ntm/platform/config"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		os.Exit(1)
	}
}

// run checks the target of args, else of the environment getenv reads.
func run(ctx context.Context, args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	grpcAddr := fs.String("grpc-addr", "", "gRPC address to check; empty: the loopback port of NTM_GRPC_ADDR")
	httpURL := fs.String("http-url", "", "URL to GET; empty: /healthz on the loopback port of NTM_HTTP_ADDR")
	serverName := fs.String("server-name", "", "name the service's certificate is verified against; empty: the dialled host")
	timeout := fs.Duration("timeout", 3*time.Second, "how long the check may take")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	files := config.TLSFiles{Cert: getenv("NTM_TLS_CERT"), Key: getenv("NTM_TLS_KEY"), CA: getenv("NTM_TLS_CA")}
	switch {
	case *httpURL != "":
		return checkHTTP(ctx, *httpURL)
	case *grpcAddr != "":
		return checkGRPC(ctx, *grpcAddr, *serverName, files)
	case getenv("NTM_HTTP_ADDR") != "":
		addr, err := loopback(getenv("NTM_HTTP_ADDR"))
		if err != nil {
			return err
		}
		scheme := "http"
		if files.Cert != "" {
			scheme = "https"
		}
		return checkHTTP(ctx, scheme+"://"+addr+"/healthz")
	case getenv("NTM_GRPC_ADDR") != "":
		addr, err := loopback(getenv("NTM_GRPC_ADDR"))
		if err != nil {
			return err
		}
		return checkGRPC(ctx, addr, *serverName, files)
	}
	return errors.New("nothing to check: give --grpc-addr or --http-url, or set NTM_GRPC_ADDR or NTM_HTTP_ADDR")
}

// loopback is the address to reach a listener on listen (":9102",
// "0.0.0.0:9102") from inside its own container.
func loopback(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("listen address %q: %w", listen, err)
	}
	if host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// checkGRPC asks the server's overall health ("" service), which the
// suite's servers report NOT_SERVING while their store does not answer.
func checkGRPC(ctx context.Context, addr, serverName string, files config.TLSFiles) error {
	creds := insecure.NewCredentials()
	if files.Cert != "" {
		// The service's own certificate is the one its mTLS listener
		// accepts from a client its CA signed.
		c, err := files.Client()
		if err != nil {
			return err
		}
		c.ServerName = serverName
		creds = credentials.NewTLS(c)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("%s: %s", addr, s)
	}
	return nil
}

// checkHTTP wants 200 from url. HTTPS is not verified: the check reaches
// its own process on loopback and asks whether it answers, not who it is
// (as Kubernetes' httpGet probes do).
func checkHTTP(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}
