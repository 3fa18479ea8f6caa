package importing

import (
	"cmp"
	"errors"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/fault"
)

// Validate returns m's breaches of the rules the API checks on a request
// (buf.validate), as the request's own would be reported, fields relative
// to m: a row of a file is a message the request would carry. An error is
// a rule that does not evaluate, never the input's.
func Validate(m proto.Message) ([]fault.Violation, error) {
	err := protovalidate.Validate(m)
	var ve *protovalidate.ValidationError
	switch {
	case err == nil:
		return nil, nil
	case !errors.As(err, &ve):
		return nil, err
	}
	vs := make([]fault.Violation, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		vs = append(vs, fault.Violation{Field: protovalidate.FieldPathString(v.Proto.GetField()), Description: cmp.Or(v.Proto.GetMessage(), v.Proto.GetRuleId())})
	}
	return vs, nil
}
