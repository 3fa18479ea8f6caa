package grpcserver

import (
	"context"
	"crypto/sha256"
	"fmt"
	"regexp"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/idempotency"
	"github.com/ntmsuite/ntm/platform/restheader"
)

// requestIDPattern is the rule of every request_id field (printable ASCII,
// at most 128), which the metadata must keep too: it is stored and quoted.
var requestIDPattern = regexp.MustCompile(`^[!-~]{1,128}$`)

// replayLink answers a call that carries a request id (a string field
// request_id, or restheader.IdempotencyKey) through store: a retry with the
// same id and request gets the first answer, headers included (so the
// gateway's status too), without the handler running again. It sits after
// the tap (ids are kept per caller: the token's subject), the If-Match link
// (the etag is part of the request), validation and the text check
// (invalid requests are not remembered), and outside error mapping (it
// sees the statuses clients see). nil store disables it.
func replayLink(store *idempotency.Store) link {
	if store == nil {
		return link{}
	}
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			msg, ok := req.(proto.Message)
			if _, method := splitMethod(info.FullMethod); !ok || isRead(method) {
				// A read changes nothing to repeat: remembering its first
				// answer would only serve it stale (a client polling an
				// operation with its upload's key would never see it end).
				return h(ctx, req)
			}
			id, err := idempotencyKey(ctx, msg)
			if err != nil {
				return nil, Status(err).Err()
			}
			if id == "" {
				return h(ctx, req)
			}
			hash, err := requestHash(msg)
			if err != nil {
				return nil, mapError(err)
			}
			caller, _ := auth.FromContext(ctx)
			var resp any
			answer, replayed, err := store.Do(ctx, idempotency.Key{Caller: caller.Subject, Method: info.FullMethod, ID: id}, hash,
				func() (idempotency.Answer, error) {
					headers := &headerRecorder{ServerTransportStream: grpc.ServerTransportStreamFromContext(ctx)}
					var err error
					resp, err = h(grpc.NewContextWithServerTransportStream(ctx, headers), req)
					if err != nil {
						return idempotency.Answer{}, err
					}
					m, ok := resp.(proto.Message)
					if !ok {
						return idempotency.Answer{}, fmt.Errorf("idempotency: %s answered a %T", info.FullMethod, resp)
					}
					b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
					return idempotency.Answer{Response: b, Header: headers.md}, err
				})
			if err != nil {
				return nil, mapError(err)
			}
			if !replayed {
				return resp, nil
			}
			return replay(ctx, info.FullMethod, answer)
		},
		// No method streams a create.
		stream: func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, ss)
		},
	}
}

// idempotencyKey is the call's request id: its request_id field or, if that is
// empty, the metadata (text or binary); "" when neither is set.
func idempotencyKey(ctx context.Context, msg proto.Message) (string, error) {
	var field string
	if fd := requestIDField(msg.ProtoReflect().Descriptor()); fd != nil {
		field = msg.ProtoReflect().Get(fd).String()
	}
	// ValueFromIncomingContext reads one key; FromIncomingContext would
	// copy every key of every call.
	values := append(metadata.ValueFromIncomingContext(ctx, restheader.IdempotencyKey), metadata.ValueFromIncomingContext(ctx, restheader.IdempotencyKeyBin)...)
	if len(values) == 0 || values[0] == "" {
		return field, nil
	}
	header := values[0]
	switch {
	case len(values) > 1:
		return "", fault.Invalid(idempotency.Field, "the Idempotency-Key header is sent more than once")
	case !requestIDPattern.MatchString(header):
		return "", fault.Invalid(idempotency.Field, "the Idempotency-Key header must be 1 to 128 printable ASCII characters without spaces")
	case field != "" && field != header:
		return "", fault.Invalid(idempotency.Field, "%q differs from the Idempotency-Key header %q: send one id", field, header)
	}
	return header, nil
}

// requestIDFields caches requestIDField by message descriptor.
var requestIDFields sync.Map // protoreflect.MessageDescriptor -> protoreflect.FieldDescriptor (nil: none)

// requestIDField is the message's singular string field request_id, nil if
// it has none: a message opts in by having it, whatever its method.
func requestIDField(md protoreflect.MessageDescriptor) protoreflect.FieldDescriptor {
	if v, ok := requestIDFields.Load(md); ok {
		fd, _ := v.(protoreflect.FieldDescriptor) // a nil stored is a nil interface
		return fd
	}
	fd := md.Fields().ByName(idempotency.Field)
	if fd != nil && (fd.Kind() != protoreflect.StringKind || fd.Cardinality() == protoreflect.Repeated) {
		fd = nil
	}
	requestIDFields.Store(md, fd)
	return fd
}

// requestHash identifies what a request asks, whatever id it carries.
func requestHash(msg proto.Message) ([]byte, error) {
	if fd := requestIDField(msg.ProtoReflect().Descriptor()); fd != nil {
		msg = proto.Clone(msg)
		msg.ProtoReflect().Clear(fd)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("idempotency: encode request: %w", err)
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}

// replay answers a call with a remembered answer: the response decoded as
// the method's output type, and the headers the first call set.
func replay(ctx context.Context, fullMethod string, a idempotency.Answer) (any, error) {
	out, err := outputOf(fullMethod)
	if err == nil {
		err = proto.Unmarshal(a.Response, out)
	}
	if err != nil {
		return nil, mapError(fmt.Errorf("idempotency: replay %s: %w", fullMethod, err))
	}
	if len(a.Header) > 0 {
		if err := grpc.SetHeader(ctx, metadata.MD(a.Header)); err != nil {
			return nil, mapError(fmt.Errorf("idempotency: replay headers of %s: %w", fullMethod, err))
		}
	}
	return out, nil
}

// outputOf is a new message of fullMethod's response type.
func outputOf(fullMethod string) (proto.Message, error) {
	service, method := splitMethod(fullMethod)
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return nil, err
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a service", service)
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil, fmt.Errorf("%s has no method %s", service, method)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		return nil, err
	}
	return mt.New().Interface(), nil
}

// headerRecorder passes a handler's response headers on and keeps a copy to
// replay them.
type headerRecorder struct {
	grpc.ServerTransportStream
	md metadata.MD
}

func (r *headerRecorder) SetHeader(md metadata.MD) error {
	if err := r.ServerTransportStream.SetHeader(md); err != nil {
		return err
	}
	r.md = metadata.Join(r.md, md)
	return nil
}

func (r *headerRecorder) SendHeader(md metadata.MD) error {
	if err := r.ServerTransportStream.SendHeader(md); err != nil {
		return err
	}
	r.md = metadata.Join(r.md, md)
	return nil
}
