package registryclient

import (
	"testing"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// A registry of the release before `former` existed marks former communes
// only with former_commune: they are former all the same.
func TestIsFormerReadsAnOlderRegistry(t *testing.T) {
	for _, c := range []struct {
		r    *registryv1.RecognitionInForce
		want bool
	}{
		{&registryv1.RecognitionInForce{Former: true}, true},
		{&registryv1.RecognitionInForce{FormerCommune: true}, true},
		{&registryv1.RecognitionInForce{}, false},
	} {
		if got := isFormer(c.r); got != c.want {
			t.Errorf("isFormer(%v) = %v, want %v", c.r, got, c.want)
		}
	}
}
