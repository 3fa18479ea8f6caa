module github.com/ntmsuite/ntm/services/criteria

go 1.26.0

replace (
	github.com/ntmsuite/ntm/platform => ../../platform
	github.com/ntmsuite/ntm/proto/gen/go => ../../proto/gen/go
)

require (
	github.com/ntmsuite/ntm/platform v0.0.0-00010101000000-000000000000
	go.yaml.in/yaml/v3 v3.0.5
)
