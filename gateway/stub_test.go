package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// stubRegistry answers GetUnit and CreateUnit with whatever the test sets,
// and remembers the metadata of the last call.
type stubRegistry struct {
	registryv1.UnimplementedRegistryServiceServer

	getUnit    func(context.Context, *registryv1.GetUnitRequest) (*registryv1.Unit, error)
	createUnit func(context.Context, *registryv1.CreateUnitRequest) (*registryv1.Unit, error)
	// revokeRecognition answers RevokeRecognition (etag_test.go).
	revokeRecognition func(context.Context, *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error)

	mu     sync.Mutex
	lastMD metadata.MD
}

func (s *stubRegistry) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastMD = md
}

func (s *stubRegistry) metadata() metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastMD
}

func (s *stubRegistry) GetUnit(ctx context.Context, req *registryv1.GetUnitRequest) (*registryv1.Unit, error) {
	s.record(ctx)
	if s.getUnit == nil {
		return &registryv1.Unit{Name: "units/" + req.GetCode(), Code: req.GetCode()}, nil
	}
	return s.getUnit(ctx, req)
}

func (s *stubRegistry) CreateUnit(ctx context.Context, req *registryv1.CreateUnitRequest) (*registryv1.Unit, error) {
	s.record(ctx)
	return s.createUnit(ctx, req)
}

// env is a running stub registry behind a running gateway.
type env struct {
	stub   *stubRegistry
	health *health.Server
	http   *httptest.Server
}

// newEnv serves stub over loopback gRPC and puts a gateway in front of it.
func newEnv(t *testing.T, stub *stubRegistry) *env {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(srv, stub)
	hs := health.NewServer()
	hs.SetServingStatus(registryv1.RegistryService_ServiceDesc.ServiceName, grpc_health_v1.HealthCheckResponse_SERVING)
	grpc_health_v1.RegisterHealthServer(srv, hs)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	hts := newGatewayServer(t, lis.Addr().String())
	return &env{stub: stub, health: hs, http: hts}
}

// newGatewayServer runs a gateway for registryAddr behind httptest.
func newGatewayServer(t *testing.T, registryAddr string) *httptest.Server {
	t.Helper()
	gw, err := New(t.Context(), Options{RegistryAddr: registryAddr, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := gw.Close(); err != nil {
			t.Error(err)
		}
	})
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	return hts
}

// stubCriteria answers GetAggregate with one fixed aggregate.
type stubCriteria struct {
	criteriav1.UnimplementedCriteriaServiceServer
	agg *criteriav1.Aggregate
}

func (s stubCriteria) GetAggregate(context.Context, *criteriav1.GetAggregateRequest) (*criteriav1.Aggregate, error) {
	return s.agg, nil
}

// sampleAggregate is shaped like a province's aggregate under the 19
// criteria of the 2021–2025 set: Vietnamese names, every tally filled.
func sampleAggregate(unit string, seed int32) *criteriav1.Aggregate {
	names := []string{"Quy hoạch", "Giao thông", "Thủy lợi và phòng, chống thiên tai", "Điện", "Trường học",
		"Cơ sở vật chất văn hóa", "Cơ sở hạ tầng thương mại nông thôn", "Thông tin và Truyền thông", "Nhà ở dân cư",
		"Thu nhập", "Nghèo đa chiều", "Lao động", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Giáo dục và Đào tạo",
		"Y tế", "Văn hóa", "Môi trường và an toàn thực phẩm", "Hệ thống chính trị và tiếp cận pháp luật", "Quốc phòng và An ninh"}
	const communes = 120
	a := &criteriav1.Aggregate{UnitCode: unit, AsOf: "2025-06-30", CriteriaSet: "ntm-2021-2025-commune", CountMode: "current",
		Communes: communes, AssessedCommunes: communes - seed%7, AverageMet: 15.375 + float64(seed)/100,
		ComputedAt: "2026-12-06T14:09:35.123456789Z", Villages: 1234, Districts: 0}
	for i, n := range names {
		met := (seed*7 + int32(i)*13) % communes
		a.Criteria = append(a.Criteria, &criteriav1.CriterionTally{Code: fmt.Sprintf("TC%02d", i+1), DisplayName: n,
			Met: met, Denominator: communes, Percent: float64(met) * 100 / communes})
	}
	for _, b := range []string{"0–4 tiêu chí", "5–9 tiêu chí", "10–14 tiêu chí", "15–18 tiêu chí", "đạt 19 tiêu chí"} {
		a.Bands = append(a.Bands, &criteriav1.BandTally{Label: b, Communes: seed + int32(len(b))})
	}
	for _, c := range []int32{5, 10, 15} {
		a.Below = append(a.Below, &criteriav1.BelowTally{Criteria: c, Communes: seed + c})
	}
	for _, l := range []string{"STANDARD", "ADVANCED", "MODEL"} {
		a.Recognitions = append(a.Recognitions, &criteriav1.RecognitionTally{Level: l, Units: seed + int32(len(l))})
		a.DistrictRecognitions = append(a.DistrictRecognitions, &criteriav1.RecognitionTally{Level: l})
	}
	for _, l := range []string{"STANDARD", "MODEL"} {
		a.VillageRecognitions = append(a.VillageRecognitions, &criteriav1.RecognitionTally{Level: l, Units: 600 + seed})
	}
	for i := range int32(20) {
		a.MetHistogram = append(a.MetHistogram, (seed+i*5)%17)
	}
	return a
}

// serveStubCriteria serves agg over loopback gRPC and returns the address.
func serveStubCriteria(t testing.TB, agg *criteriav1.Aggregate) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	criteriav1.RegisterCriteriaServiceServer(srv, stubCriteria{agg: agg})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}
