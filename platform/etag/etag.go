// Package etag gives resources that are changed in place an etag (AIP-154)
// and refuses a change made against an etag that is no longer current.
//
// A resource's etag is its row's version, which every in-place update
// increments, written as an opaque quoted string (an HTTP entity tag, so the
// same value works as the `etag` field and as the If-Match header). Clients
// must not read anything into it but equality.
package etag

import (
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ntmsuite/ntm/platform/fault"
)

// FieldName is the field of AIP-154 etags: a resource's current one, and a
// request's condition.
const FieldName = "etag"

// Field is md's etag field, nil if md has no singular string field of
// that name: a message takes part in etags by having one.
func Field(md protoreflect.MessageDescriptor) protoreflect.FieldDescriptor {
	fd := md.Fields().ByName(FieldName)
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.Cardinality() == protoreflect.Repeated {
		return nil
	}
	return fd
}

// MismatchReason is the google.rpc.ErrorInfo reason of a change refused for
// a stale etag; the gateway answers it 412 when the etag came as If-Match.
const MismatchReason = "ETAG_MISMATCH"

// Of is the etag of a resource at version v.
func Of(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// Check refuses, with ABORTED, a change sent with an etag other than the
// current one of the resource (resourceType, name) at version. An empty
// sent etag is no condition. The caller checks under the lock or in the
// transaction that writes, so that of two changes sent with the same etag
// only one finds it current.
func Check(sent string, version int64, resourceType, name string) error {
	if sent == "" || sent == Of(version) {
		return nil
	}
	return Mismatch(sent, resourceType, name)
}

// Mismatch is the refusal of a change sent with etag sent, which is not (or
// no longer) the current one of the resource: someone changed it since the
// client read it. The client should read it again and decide anew.
func Mismatch(sent, resourceType, name string) *fault.Error {
	return &fault.Error{Kind: fault.KindConflict, Reason: MismatchReason, ResourceType: resourceType, ResourceName: name,
		Message: "etag " + strconv.Quote(sent) + " is not the current etag of " + name +
			": it was changed since it was read; read it again and send its current etag"}
}
