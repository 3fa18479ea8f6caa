package grpcserver

import (
	"context"
	"slices"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/restheader"
)

// applyIfMatch makes the call's If-Match metadata the request's `etag`, so
// handlers read one field however the client sent the condition: the field
// itself (gRPC, a JSON body) or the header (REST). Sent both ways, they must
// agree. Requests without an `etag` string field ignore the metadata, as
// HTTP lets a server ignore If-Match on a resource without etags.
func applyIfMatch(ctx context.Context, m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return nil
	}
	sent := slices.Compact(slices.Sorted(slices.Values(metadata.ValueFromIncomingContext(ctx, restheader.IfMatch))))
	if len(sent) == 0 {
		return nil
	}
	r := msg.ProtoReflect()
	fd := etag.Field(r.Descriptor())
	if fd == nil {
		return nil
	}
	if len(sent) > 1 {
		return Status(fault.Invalid(etag.FieldName, "If-Match carries %d etags; send the one etag of the resource as last read", len(sent))).Err()
	}
	switch body := r.Get(fd).String(); body {
	case "":
		r.Set(fd, protoreflect.ValueOfString(sent[0]))
	case sent[0]:
	default:
		return Status(fault.Invalid(etag.FieldName, "the If-Match header (%s) and the etag field (%s) differ; send one of them", sent[0], body)).Err()
	}
	return nil
}

func ifMatchLink() link { return messageLink(applyIfMatch) }
