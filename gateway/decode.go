package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// A request body protojson cannot decode would reach the client as
// "proto: (line 1:118): invalid value for enum field status: true", with no
// details: the client must read English to learn which field, and a program
// cannot. The gateway answers such bodies like any other bad input, with
// INVALID_ARGUMENT and a BadRequest field violation naming the field by its
// path in the request, as the services' own violations do
// ("assessment.verdicts[2].status"), and saying what it accepts (an enum's
// values, a message's fields by the JSON names the client writes).
//
// The generated handlers turn a decoder's error into a status of their own,
// keeping only its text; so the decoder leaves the full status on the
// request body (decodeSlot), where the mux's error handler finds it.

// errorInfoDomain and invalidReason make the status look like the services'
// own invalid-argument errors (platform/fault through grpcserver.Status).
const (
	errorInfoDomain = "ntm"
	invalidReason   = "INVALID_ARGUMENT"
)

// decodeSlot is a request body that remembers why it could not be decoded.
type decodeSlot struct {
	io.ReadCloser
	failure *status.Status
	// readErr is the first error reading the body (too large, cut off):
	// a transport failure, which the decoder must not explain as bad JSON.
	readErr error
}

func (s *decodeSlot) Read(p []byte) (int, error) {
	n, err := s.ReadCloser.Read(p)
	if err != nil && err != io.EOF && s.readErr == nil {
		s.readErr = err
	}
	return n, err
}

// keepDecodeFailures gives every request body a decodeSlot.
func keepDecodeFailures(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &decodeSlot{ReadCloser: r.Body}
		}
		next.ServeHTTP(w, r)
	})
}

// explainDecodeFailure is the status the decoder left for a request whose
// body could not be decoded, its fields named from the request (the decoder
// only saw the body), and err for everything else.
func explainDecodeFailure(ctx context.Context, r *http.Request, err error) error {
	slot, ok := r.Body.(*decodeSlot)
	if !ok || slot.failure == nil || status.Code(err) != codes.InvalidArgument {
		return err
	}
	prefix := bodyField(ctx)
	var vs []*errdetails.BadRequest_FieldViolation
	for _, d := range slot.failure.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			vs = br.GetFieldViolations()
		}
	}
	if prefix == "" || len(vs) == 0 {
		return slot.failure.Err()
	}
	for _, v := range vs {
		v.Field = prefix + "." + v.GetField()
	}
	return invalidFields(vs...).Err()
}

// bodyField is the field of the request that the body of ctx's route fills
// ("assessment" for POST /v1/units/{unit_code}/assessments), or "" when the
// body is the whole request.
func bodyField(ctx context.Context) string {
	method, ok := runtime.RPCMethod(ctx)
	if !ok {
		return ""
	}
	name := protoreflect.FullName(strings.ReplaceAll(strings.TrimPrefix(method, "/"), "/", "."))
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
	if err != nil {
		return ""
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	if !ok {
		return ""
	}
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if body := rule.GetBody(); body != "*" {
		return body
	}
	return ""
}

// explainingJSON is a JSON marshaler whose decoder explains its failures.
type explainingJSON struct{ *runtime.JSONPb }

func (j explainingJSON) NewDecoder(r io.Reader) runtime.Decoder {
	dec := json.NewDecoder(r)
	return runtime.DecoderFunc(func(v any) error {
		// The value is read whole first, as runtime.JSONPb's decoder does
		// too, so that a failure can be explained from its bytes.
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return err // no body, which the handlers accept
		}
		slot, _ := r.(*decodeSlot)
		if slot != nil && slot.readErr != nil {
			return err // the body could not be read (too large, cut off)
		}
		if err == nil {
			if err = j.JSONPb.Unmarshal(raw, v); err == nil {
				return nil
			}
		}
		st := explainDecodeError(raw, v, err)
		if slot != nil {
			slot.failure = st
		}
		return errors.New(st.Message())
	})
}

// explainDecodeError is the status for body, which failed to decode into v
// with err: naming the first bad field when there is one to name (a JSON
// syntax error has none).
func explainDecodeError(body []byte, v any, err error) *status.Status {
	var bad *errdetails.BadRequest_FieldViolation
	if m := messageOf(v); m != nil && json.Valid(body) {
		bad = firstBadField(body, m.ProtoReflect().Descriptor(), "")
	}
	if bad == nil {
		msg := "invalid request body: " + strings.TrimPrefix(err.Error(), "proto: ")
		return withDetails(status.New(codes.InvalidArgument, msg), &errdetails.ErrorInfo{Reason: invalidReason, Domain: errorInfoDomain})
	}
	return invalidFields(bad)
}

// invalidFields is INVALID_ARGUMENT for bad input in the fields of vs, in
// the shape of the services' own (fault.Invalids through grpcserver.Status):
// "invalid field: description; …", an ErrorInfo and a BadRequest.
func invalidFields(vs ...*errdetails.BadRequest_FieldViolation) *status.Status {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.GetField() + ": " + v.GetDescription()
	}
	return withDetails(status.New(codes.InvalidArgument, "invalid "+strings.Join(parts, "; ")),
		&errdetails.ErrorInfo{Reason: invalidReason, Domain: errorInfoDomain},
		&errdetails.BadRequest{FieldViolations: vs})
}

func withDetails(st *status.Status, details ...protoadapt.MessageV1) *status.Status {
	if d, err := st.WithDetails(details...); err == nil {
		return d
	}
	return st
}

// messageOf is the message a decode target stands for: the generated
// handlers decode into a request (a message) or into one of its message
// fields (a pointer to the field's pointer).
func messageOf(v any) proto.Message {
	if m, ok := v.(proto.Message); ok {
		return m
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Pointer {
		return nil
	}
	m, _ := reflect.New(rv.Elem().Type().Elem()).Interface().(proto.Message)
	return m
}

// firstBadField walks a JSON object along message md, in the order of the
// body, and returns the first field protojson refuses, or nil. path is the
// path of the object in the body, by proto field names, with its trailing dot.
//
// It checks what protojson checks of the fields' names and value types;
// well-known types (Timestamp, Struct, …) have JSON forms of their own and
// are not entered: an error inside one gets the generic answer.
func firstBadField(raw []byte, md protoreflect.MessageDescriptor, path string) *errdetails.BadRequest_FieldViolation {
	if strings.HasPrefix(string(md.FullName()), "google.protobuf.") {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if path == "" {
			return nil // the body itself: no field to name
		}
		return violation(strings.TrimSuffix(path, "."), "must be an object with the fields %s", fieldNames(md))
	}
	seen := map[protoreflect.FullName]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil
		}
		fields := md.Fields()
		fd := fields.ByJSONName(key)
		if fd == nil {
			fd = fields.ByTextName(key)
		}
		if fd == nil {
			return violation(path+key, "unknown field; the fields here are %s", fieldNames(md))
		}
		name := path + string(fd.Name())
		if seen[fd.FullName()] {
			return violation(name, "given twice")
		}
		seen[fd.FullName()] = true
		if string(val) == "null" {
			continue // protojson leaves the field unset
		}
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if seen[o.FullName()] {
				return violation(name, "only one of %s may be given", oneofNames(o))
			}
			seen[o.FullName()] = true
		}
		if bad := badField(fd, val, name); bad != nil {
			return bad
		}
	}
	return nil
}

// badField checks the value of field fd, named path.
func badField(fd protoreflect.FieldDescriptor, val json.RawMessage, path string) *errdetails.BadRequest_FieldViolation {
	switch {
	case fd.IsMap():
		var entries map[string]json.RawMessage
		if json.Unmarshal(val, &entries) != nil {
			return violation(path, "must be an object")
		}
		for k, v := range entries {
			if bad := badValue(fd.MapValue(), v, path+"["+strconv.Quote(k)+"]"); bad != nil {
				return bad
			}
		}
		return nil
	case fd.IsList():
		var elems []json.RawMessage
		if json.Unmarshal(val, &elems) != nil {
			return violation(path, "must be an array")
		}
		for i, v := range elems {
			if bad := badValue(fd, v, path+"["+strconv.Itoa(i)+"]"); bad != nil {
				return bad
			}
		}
		return nil
	}
	return badValue(fd, val, path)
}

// badValue checks one value of fd's kind (an element, for lists and maps).
func badValue(fd protoreflect.FieldDescriptor, val json.RawMessage, path string) *errdetails.BadRequest_FieldViolation {
	str, isString := jsonString(val)
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return firstBadField(val, fd.Message(), path+".")
	case protoreflect.EnumKind:
		if enumOK(fd.Enum(), val, str, isString) {
			return nil
		}
		return violation(path, "invalid value %s; allowed values are %s", val, enumNames(fd.Enum()))
	case protoreflect.StringKind:
		if !isString {
			return violation(path, "must be a string")
		}
		if !utf8.Valid(val) {
			return violation(path, "must be valid UTF-8")
		}
	case protoreflect.BoolKind:
		if string(val) != "true" && string(val) != "false" {
			return violation(path, "must be true or false")
		}
	case protoreflect.BytesKind:
		if !isString || !base64OK(str) {
			return violation(path, "must be a base64 string")
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		bits := 64
		if fd.Kind() == protoreflect.FloatKind {
			bits = 32
		}
		if !floatOK(val, str, isString, bits) {
			return violation(path, "must be a number")
		}
	default: // the integer kinds
		if !intOK(fd.Kind(), val, str, isString) {
			return violation(path, "must be an integer in the range of %s", fd.Kind())
		}
	}
	return nil
}

// jsonString is the text of a JSON string value.
func jsonString(val json.RawMessage) (string, bool) {
	if len(val) == 0 || val[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(val, &s) == nil
}

func enumOK(ed protoreflect.EnumDescriptor, val json.RawMessage, str string, isString bool) bool {
	if isString {
		return ed.Values().ByName(protoreflect.Name(str)) != nil
	}
	// A number is accepted as it is, known or not (proto3 enums are open).
	_, err := strconv.ParseInt(string(val), 10, 32)
	return err == nil
}

func base64OK(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}

func floatOK(val json.RawMessage, str string, isString bool, bits int) bool {
	text := string(val)
	if isString {
		switch str {
		case "NaN", "Infinity", "-Infinity":
			return true
		}
		text = str
	}
	_, err := strconv.ParseFloat(text, bits)
	return err == nil
}

func intOK(kind protoreflect.Kind, val json.RawMessage, str string, isString bool) bool {
	text := string(val)
	if isString {
		text = str
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) {
		return false
	}
	var lo, hi float64
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		lo, hi = math.MinInt32, math.MaxInt32
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		lo, hi = 0, math.MaxUint32
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		lo, hi = 0, math.MaxUint64
	default:
		lo, hi = math.MinInt64, math.MaxInt64
	}
	return f >= lo && f <= hi
}

func violation(field, format string, args ...any) *errdetails.BadRequest_FieldViolation {
	return &errdetails.BadRequest_FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)}
}

// fieldNames lists md's fields by their JSON names.
func fieldNames(md protoreflect.MessageDescriptor) string {
	names := make([]string, md.Fields().Len())
	for i := range names {
		names[i] = md.Fields().Get(i).JSONName()
	}
	return strings.Join(names, ", ")
}

func oneofNames(o protoreflect.OneofDescriptor) string {
	names := make([]string, o.Fields().Len())
	for i := range names {
		names[i] = o.Fields().Get(i).JSONName()
	}
	return strings.Join(names, ", ")
}

// enumNames lists the values a client may send: every name but the
// unspecified zero, which stands for "not given".
func enumNames(ed protoreflect.EnumDescriptor) string {
	var names []string
	for i := range ed.Values().Len() {
		v := ed.Values().Get(i)
		if v.Number() == 0 && strings.HasSuffix(string(v.Name()), "_UNSPECIFIED") {
			continue
		}
		names = append(names, string(v.Name()))
	}
	return strings.Join(names, ", ")
}
