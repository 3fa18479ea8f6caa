package grpcserver

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ntmsuite/ntm/platform/fault"
)

// CheckText refuses a message with a string anywhere in it (nested,
// repeated, map keys and values) that holds a NUL character or is not valid
// UTF-8: PostgreSQL cannot store either in text and answers with an error
// that would reach the client as INTERNAL, while SQLite stores them and
// hands them to every later reader. The error is INVALID_ARGUMENT with one
// BadRequest field violation per string, naming its path in the message as
// buf.validate does ("assessment.author", "verdicts[2].note").
func CheckText(m proto.Message) error {
	var vs []fault.Violation
	checkTextIn(m.ProtoReflect(), "", &vs)
	if len(vs) == 0 {
		return nil
	}
	return Status(fault.Invalids(vs...)).Err()
}

func checkTextIn(m protoreflect.Message, prefix string, vs *[]fault.Violation) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				key := k.String()
				if fd.MapKey().Kind() == protoreflect.StringKind {
					checkString(path, key, vs)
					key = strconv.Quote(key)
				}
				checkTextValue(fd.MapValue(), mv, path+"["+key+"]", vs)
				return true
			})
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				checkTextValue(fd, l.Get(i), path+"["+strconv.Itoa(i)+"]", vs)
			}
		default:
			checkTextValue(fd, v, path, vs)
		}
		return true
	})
}

// checkTextValue checks one value of field fd (an element, for lists and maps).
func checkTextValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, vs *[]fault.Violation) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		checkString(path, v.String(), vs)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		checkTextIn(v.Message(), path+".", vs)
	}
}

func checkString(path, s string, vs *[]fault.Violation) {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		*vs = append(*vs, fault.Violation{Field: path, Description: "must not contain a NUL character (\\u0000)"})
	case !utf8.ValidString(s):
		*vs = append(*vs, fault.Violation{Field: path, Description: "must be valid UTF-8"})
	}
}

// checkText is CheckText for what the chain receives.
func checkText(m any) error {
	if msg, ok := m.(proto.Message); ok {
		return CheckText(msg)
	}
	return nil
}

func textLink() link {
	return link{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := checkText(req); err != nil {
				return nil, err
			}
			return h(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &stream{ServerStream: ss, ctx: ss.Context(), recv: checkText})
		},
	}
}
