// Package bare is the floor under the suite's cached aggregate reads: the
// chains `make bench` measures the suite against, built from the same
// generated code and library versions (gRPC, grpc-gateway, go-redis) and
// with nothing else in them. No authentication, no logging, no metrics, no
// validation, no cache generations: one Redis GET per call.
//
//	Serve    a gRPC server answering CriteriaService.GetAggregate with the
//	         bytes of one Redis key, sent as they are (a protobuf Aggregate)
//	Gateway  a grpc-gateway mux with the generated criteria routes, dialled
//	         to such a server, turning the Aggregate into JSON as the
//	         suite's gateway does
package bare

import (
	"context"
	"net"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

// Serve serves GetAggregate on lis until it is closed: whatever the
// request, the answer is the value of key in rdb, which must hold an
// encoded Aggregate. It returns the server, to stop.
func Serve(lis net.Listener, rdb *redis.Client, key string) *grpc.Server {
	srv := grpc.NewServer(grpc.ForceServerCodecV2(rawCodec{}),
		// The suite's clients ping idle connections (platform/grpcclient):
		// accepted as the suite's servers accept them, not answered with a
		// GOAWAY that would reconnect in the middle of a run.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: grpcserver.KeepaliveMinTime, PermitWithoutStream: true}))
	srv.RegisterService(&aggregateDesc, aggregateServer{rdb: rdb, key: key})
	go func() { _ = srv.Serve(lis) }()
	return srv
}

// Gateway is a grpc-gateway mux serving the criteria service's REST routes
// through conn, with the suite's JSON options (every field written).
func Gateway(ctx context.Context, conn grpc.ClientConnInterface) (http.Handler, error) {
	mux := runtime.NewServeMux(runtime.WithMarshalerOption(runtime.MIMEWildcard,
		&runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}}))
	if err := criteriav1.RegisterCriteriaServiceHandlerClient(ctx, mux, criteriav1.NewCriteriaServiceClient(conn)); err != nil {
		return nil, err
	}
	return mux, nil
}

type aggregateServer struct {
	rdb *redis.Client
	key string
}

// rawMessage is a response already in wire form.
type rawMessage []byte

func (s aggregateServer) get(ctx context.Context) (rawMessage, error) {
	return s.rdb.Get(ctx, s.key).Bytes()
}

// aggregateDesc is the criteria service with its one method a cached read
// needs, under the generated service's name so that generated clients and
// routes call it; its handler answers raw bytes, as a cache hit can.
var aggregateDesc = grpc.ServiceDesc{
	ServiceName: criteriav1.CriteriaService_ServiceDesc.ServiceName,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "GetAggregate",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			if err := dec(new(criteriav1.GetAggregateRequest)); err != nil {
				return nil, err
			}
			return srv.(aggregateServer).get(ctx)
		},
	}},
}

// rawCodec is the protobuf codec, except that a rawMessage is sent as it is.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	if r, ok := v.(rawMessage); ok {
		return mem.BufferSlice{mem.SliceBuffer(r)}, nil
	}
	return encoding.GetCodecV2("proto").Marshal(v)
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	return encoding.GetCodecV2("proto").Unmarshal(data, v)
}
