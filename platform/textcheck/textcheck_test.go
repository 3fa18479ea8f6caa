package textcheck_test

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ntmsuite/ntm/platform/textcheck"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
)

func TestViolationsNameEveryBadString(t *testing.T) {
	str := func(s string) *structpb.Value { return structpb.NewStringValue(s) }
	nested := &structpb.Struct{Fields: map[string]*structpb.Value{
		"fine": str("Xã Võ Nhai"),
		"list": structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{
			str("ok"), str("nul\x00here"),
			structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"deep": str("bad \xff byte")}}),
		}}),
		"key\x00": str("the key is bad"),
	}}
	for _, tc := range []struct {
		name string
		msg  proto.Message
		want []string
	}{
		{"assessment author", &criteriav1.CreateAssessmentRequest{UnitCode: "06005",
			Assessment: &criteriav1.Assessment{Author: "UBND\x00", CriteriaSet: "NTM"}}, []string{"assessment.author"}},
		{"repeated, nested and maps", nested, []string{
			"fields",
			`fields["list"].list_value.values[1].string_value`,
			`fields["list"].list_value.values[2].struct_value.fields["deep"].string_value`,
		}},
		{"clean", &criteriav1.CreateAssessmentRequest{UnitCode: "06005", Assessment: &criteriav1.Assessment{Author: "UBND xã Võ Nhai"}}, nil},
	} {
		var got []string
		for _, v := range textcheck.Violations(tc.msg) {
			if v.Description == "" {
				t.Errorf("%s: violation of %s without a description", tc.name, v.Field)
			}
			got = append(got, v.Field)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: violations %q, want %q", tc.name, got, tc.want)
		}
	}
}
