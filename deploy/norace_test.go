//go:build !race

package deploy_test

// buildFlags: see race_test.go.
var buildFlags []string
