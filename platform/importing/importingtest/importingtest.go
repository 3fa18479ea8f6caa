// Package importingtest holds what the tests of every service's file
// imports share: reading their files, waiting for an import's operation,
// and comparing its summary with a golden file.
package importingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// Dir is where a service's test files and golden summaries are, relative
// to its test's package.
const Dir = "testdata/import"

// update rewrites the golden summaries: NTM_UPDATE_GOLDEN=1 go test ./...
var update = os.Getenv("NTM_UPDATE_GOLDEN") == "1"

// File is the test file name in Dir.
func File(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Wait follows op until it is done, for at most 30 seconds.
func Wait(t testing.TB, ctx context.Context, ops operationv1.OperationServiceClient, op *operationv1.Operation) *operationv1.Operation {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !op.GetDone() {
		if time.Now().After(deadline) {
			t.Fatalf("operation %s still running: %v", op.GetName(), op)
		}
		time.Sleep(10 * time.Millisecond)
		var err error
		if op, err = ops.GetOperation(ctx, &operationv1.GetOperationRequest{Name: op.GetName()}); err != nil {
			t.Fatalf("GetOperation: %v", err)
		}
	}
	return op
}

// Golden compares a summary with Dir/name.golden.json, rewritten first
// with NTM_UPDATE_GOLDEN=1.
func Golden(t testing.TB, name string, got *operationv1.ImportSummary) {
	t.Helper()
	if update {
		b, err := protojson.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(Dir, name+".golden.json"), append(out.Bytes(), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := &operationv1.ImportSummary{}
	if err := protojson.Unmarshal(File(t, name+".golden.json"), want); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" {
		t.Errorf("summary of %s (-golden +got):\n%s", name, d)
	}
}
