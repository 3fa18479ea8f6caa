module github.com/ntmsuite/ntm/services/registry

go 1.26

replace (
	github.com/ntmsuite/ntm/platform => ../../platform
	github.com/ntmsuite/ntm/proto/gen/go => ../../proto/gen/go
)
