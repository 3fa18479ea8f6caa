# The two commands of the README:
#   make run    the whole suite on localhost with the demo province (SQLite, no servers needed)
#   make test   everything CI checks: generated code, lint, vet, staticcheck, all tests
SHELL := /bin/bash
# Every module of the workspace, as `go test` patterns (go.work has no root module).
PKGS = $(shell go list -m -f '{{.Path}}/...')
FUZZTIME ?= 30s

.PHONY: run test web tools generate generate-check lint vet staticcheck services test-go topology fuzz bench evidence

run:
	go run ./cmd/ntm up --demo

test: services generate-check lint vet staticcheck test-go

tools:
	./scripts/tools.sh

# The dashboard's ECharts, pinned in gateway/web/package.json: npm ci and copy
# its built file into the embedded assets (committed, so run and test need no npm).
web:
	./scripts/web.sh

generate: tools
	./scripts/generate.sh

# Generated code is committed; regenerating must not change it.
generate-check: generate
	@git diff --exit-code -- proto buf.gen.yaml || { echo "make generate changed committed files: commit them" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- proto)" || { git status --short -- proto; echo "make generate left untracked files" >&2; exit 1; }

lint: generate
	.bin/buf lint
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above" >&2; exit 1; }
	@# Each module is released on its own: its go.mod must build it outside the workspace.
	@for m in $$(go list -m -f '{{.Dir}}'); do (cd $$m && GOWORK=off go mod tidy -diff >/dev/null) || { echo "go.mod of $$m is not tidy: run GOWORK=off go mod tidy there" >&2; exit 1; }; done

vet:
	go vet $(PKGS)

staticcheck: tools
	.bin/staticcheck $(PKGS)

services:
	./scripts/services.sh

# NTM_TEST_REQUIRE_SERVICES makes a missing PostgreSQL fail the tests instead of skipping them.
test-go: services
	NTM_TEST_REQUIRE_SERVICES=1 go test -race -count=1 $(PKGS)

# The production topology test alone (cmd/ntm/internal/topology): each
# service's binary as its own process, two criteria replicas, one killed
# under load. It is an ordinary Go test, so test-go (make test) runs it too,
# with the default load of 20 s.
TOPOLOGY_DURATION ?= 20s
topology: services
	NTM_TEST_REQUIRE_SERVICES=1 NTM_TOPOLOGY_DURATION=$(TOPOLOGY_DURATION) go test -count=1 -v -run '^TestTopology$$' ./cmd/ntm/internal/topology

fuzz:
	go test ./services/registry/unitcsv -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./platform/period -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./cmd/ntm/internal/demo -run '^$$' -fuzz FuzzParseAssessments -fuzztime $(FUZZTIME)
	go test ./services/ocop/internal/rating -run '^$$' -fuzz FuzzScore -fuzztime $(FUZZTIME)
	go test ./services/funding/internal/progress -run '^$$' -fuzz FuzzParseQuantity -fuzztime $(FUZZTIME)
	go test ./gateway -run '^$$' -fuzz FuzzDecodeBody -fuzztime $(FUZZTIME)
	go test ./platform/sheet -run '^$$' -fuzz FuzzReadCSV -fuzztime $(FUZZTIME)
	go test ./platform/sheet -run '^$$' -fuzz FuzzReadXLSX -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	go test ./services/criteria/internal/assessmentform -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./services/criteria/internal/store -run '^$$' -fuzz FuzzEncode -fuzztime $(FUZZTIME)
	go test ./services/funding/internal/fundingform -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./services/ocop/internal/ocopform -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./services/registry/internal/unitform -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	go test ./services/registry/internal/recognitionform -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

# The evidence an inspection under Decree 85/2016/NĐ-CP and TCVN 11930:2017
# asks for: the tests of authentication, scope, roles, server-owned fields,
# the audit trail and backups (docs/SECURITY.md points 1-5 and 15), run
# verbosely and kept, with the commit and the time, under the git-ignored evidence/.
EVIDENCE_TESTS = Token|Auth|Access|Scope|Guard|RoleActionUnit|ServerOwned|Audit|Trail|Record|Backup
evidence: services
	@mkdir -p evidence
	set -o pipefail; { git rev-parse HEAD; date -u +%FT%TZ; NTM_TEST_REQUIRE_SERVICES=1 go test -count=1 -v -run '$(EVIDENCE_TESTS)' $(PKGS); } > evidence/$$(date -u +%F).txt
	@grep -c -- '--- PASS' evidence/$$(date -u +%F).txt | sed 's/$$/ passing tests kept in evidence\/'"$$(date -u +%F)"'.txt/'

# The benchmarks of issue 16 (bench/): the suite against bare baselines
# built from the same libraries (bench/bare), each pair measured in the same
# run, on a synthetic country of 10,000 communes; with the bare Go roll-ups
# of criteria and funding. They need Redis and PostgreSQL, so they are not
# part of make test. The raw output goes to $(BENCH_OUT) under the
# git-ignored .bin/; the previous run is kept as $(BENCH_OLD), benchstat
# compares the two, and bench/cmd/benchtable prints the table of targets.
# The database of P6 (10 years of 10,000 communes, minutes to write) is kept
# in $(BENCH_DATA) for the next run.
BENCH_OUT ?= .bin/bench/bench.txt
BENCH_DATA ?= .bin/bench
BENCH_OLD ?= .bin/bench/bench.old.txt
BENCHTIME ?= 2s
BENCHCOUNT ?= 3
BENCH ?= P[1-6]|Narrow|SummaryCold|Aggregate10k$$|Summarise$$

bench: services tools
	@mkdir -p $(dir $(BENCH_OUT))
	@if [ -s $(BENCH_OUT) ]; then mv $(BENCH_OUT) $(BENCH_OLD); fi
	set -o pipefail; NTM_TEST_REQUIRE_SERVICES=1 NTM_BENCH_DATA=$(abspath $(BENCH_DATA)) go test ./bench ./services/criteria/internal/scoring ./services/funding/internal/progress \
		-run '^$$' -bench '$(BENCH)' -count $(BENCHCOUNT) -benchtime $(BENCHTIME) -timeout 30m | tee $(BENCH_OUT)
	@if [ -s $(BENCH_OLD) ]; then .bin/benchstat old=$(BENCH_OLD) new=$(BENCH_OUT); else .bin/benchstat $(BENCH_OUT); fi
	@go run ./bench/cmd/benchtable $(BENCH_OUT)
