module github.com/ntmsuite/ntm/cmd/ntm

go 1.26

replace (
	github.com/ntmsuite/ntm/gateway => ../../gateway
	github.com/ntmsuite/ntm/platform => ../../platform
	github.com/ntmsuite/ntm/proto/gen/go => ../../proto/gen/go
	github.com/ntmsuite/ntm/services/registry => ../../services/registry
)
