// Package operation runs long work, such as an import of 10,000 rows, as
// a long-running operation (AIP-151): the request that starts it answers
// at once with an operation, which its caller follows (rows done of rows,
// then the summary) and may cancel through ntm.operation.v1.OperationService.
//
// Operations live in the service's database (table operations, a platform
// migration), so every replica sharing it answers for all of them. The
// replica running one keeps its heartbeat fresh; when its process dies,
// another replica's sweeper (or its own, once restarted) marks it FAILED
// after the lease, so that none is lost or left RUNNING forever. A run is
// stopped past a maximum run time, and the sweeper deletes finished
// operations past a retention (30 days by default).
package operation

import (
	"strings"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
)

// namePrefix starts every operation's resource name.
const namePrefix = "operations/"

// Name is the resource name of the operation id.
func Name(id string) string { return namePrefix + id }

// ID is the id of the operation named name; ok is false when name is not
// an operation's name.
func ID(name string) (id string, ok bool) {
	id, ok = strings.CutPrefix(name, namePrefix)
	return id, ok && id != "" && !strings.Contains(id, "/")
}

// stoppedStatus is the error of an operation its process gave up: UNAVAILABLE,
// for the import may be sent again once the service is back.
func stoppedStatus(message string) *spb.Status {
	return &spb.Status{Code: int32(codes.Unavailable), Message: message}
}
