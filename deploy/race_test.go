//go:build race

package deploy_test

// buildFlags build the commands as the tests of `make test` (-race) built
// their packages, so that go build only links what is already compiled.
var buildFlags = []string{"-race"}
