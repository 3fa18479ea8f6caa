package etag_test

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
)

func TestCheck(t *testing.T) {
	if got := etag.Of(3); got != `"3"` {
		t.Errorf("Of(3) = %s, want a quoted entity tag", got)
	}
	for _, sent := range []string{"", `"3"`} {
		if err := etag.Check(sent, 3, "certificate", "products/1/certificates/2"); err != nil {
			t.Errorf("Check(%q, 3) = %v, want nil", sent, err)
		}
	}
	for _, sent := range []string{`"2"`, `3`, `W/"3"`, "*"} {
		err := etag.Check(sent, 3, "certificate", "products/1/certificates/2")
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindConflict || f.Reason != etag.MismatchReason || f.ResourceName != "products/1/certificates/2" {
			t.Errorf("Check(%q, 3) = %#v, want a conflict %s naming the certificate", sent, err, etag.MismatchReason)
		}
	}
}
