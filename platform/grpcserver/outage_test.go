package grpcserver_test

import (
	"context"
	"database/sql"
	"testing"
	"testing/fstest"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/grpctest"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// A service whose PostgreSQL stops accepting its connections (a restart, an
// outage) answers UNAVAILABLE, which clients retry, not INTERNAL, and its
// health says NOT_SERVING until the database is back.
func TestDatabaseOutageIsUnavailable(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t, fstest.MapFS{"00001_t.sql": {Data: []byte("-- +goose Up\nCREATE TABLE t (id int);\n")}})
	s := grpcserver.New(grpcserver.Options{ServiceNames: []string{registryService}, Ready: d.PingContext})
	grpcserver.SetReadyInterval(s, 5*time.Millisecond)
	registryv1.RegisterRegistryServiceServer(s.GRPC(), &registry{getUnit: func(ctx context.Context, _ *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
		var n int
		return &registryv1.Unit{}, d.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
	}})
	conn := grpctest.Dial(t, s)
	client, hc := registryv1.NewRegistryServiceClient(conn), healthpb.NewHealthClient(conn)
	getUnit := func() error {
		_, err := client.GetUnit(t.Context(), &registryv1.GetUnitRequest{Code: "1"})
		return err
	}
	waitForHealth(t, hc, registryService, healthpb.HealthCheckResponse_SERVING)
	if err := getUnit(); err != nil {
		t.Fatalf("before the outage: %v", err)
	}

	admin, err := sql.Open("pgx", dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var name string
	if err := d.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	allow := func(on bool) {
		t.Helper()
		stmt := `ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS ` + map[bool]string{true: "true", false: "false"}[on]
		if _, err := admin.ExecContext(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	// The test's database is dropped WITH (FORCE) at cleanup whether or not
	// it accepts connections by then.
	allow(false)
	if _, err := admin.ExecContext(t.Context(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	// pg_terminate_backend only signals the backends: until they have gone,
	// a call may still be answered on one (under load, it was).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var left int
		if err := admin.QueryRowContext(t.Context(), "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends of %s still there 10 s after being terminated", left, name)
		}
	}

	// Every call fails the same way: on a connection whose backend is gone,
	// and on the new connections the server refuses.
	for range 3 {
		st := status.Convert(getUnit())
		if st.Code() != codes.Unavailable || st.Message() == "internal error" {
			t.Errorf("during the outage: %v %q, want Unavailable", st.Code(), st.Message())
		}
	}
	waitForHealth(t, hc, registryService, healthpb.HealthCheckResponse_NOT_SERVING)

	allow(true)
	waitForHealth(t, hc, registryService, healthpb.HealthCheckResponse_SERVING)
	if err := getUnit(); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}
