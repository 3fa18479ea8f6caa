// Package textcheck finds the strings of a protobuf message that no NTM
// store can keep: PostgreSQL refuses a NUL character in text (the client got
// "internal error"), SQLite stores it and hands it to every later reader,
// and invalid UTF-8 is not text at all. The services' interceptor chain
// refuses such requests (grpcserver), and so does the gateway before it
// marshals a request it built from a URL, which gRPC would refuse with
// INTERNAL. It is a package of its own so that the gateway can use it
// without linking the services' database drivers.
package textcheck

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ntmsuite/ntm/platform/fault"
)

// Violations names every string anywhere in m (nested, repeated, map keys
// and values) that holds a NUL or is not valid UTF-8, by its path in m as
// buf.validate names fields ("assessment.author", "verdicts[2].note",
// `labels["k"]`); a bad map key is reported as the map field.
func Violations(m proto.Message) []fault.Violation {
	var vs []fault.Violation
	checkMessage(m.ProtoReflect(), "", &vs)
	return vs
}

func checkMessage(m protoreflect.Message, prefix string, vs *[]fault.Violation) {
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
				checkValue(fd.MapValue(), mv, path+"["+key+"]", vs)
				return true
			})
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				checkValue(fd, l.Get(i), path+"["+strconv.Itoa(i)+"]", vs)
			}
		default:
			checkValue(fd, v, path, vs)
		}
		return true
	})
}

// checkValue checks one value of field fd (an element, for lists and maps).
func checkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, vs *[]fault.Violation) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		checkString(path, v.String(), vs)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		checkMessage(v.Message(), path+".", vs)
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
