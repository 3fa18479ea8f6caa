// Package catalogs holds the shipped OCOP scoring catalog (a copy of
// shared/domain/ocop-scoring.yaml with Vietnamese names for the synthetic
// sheet lines, which offices read), embedded so the service runs without files
// on disk. A newer decision or a province's sheet is loaded from a catalog
// directory at start-up, after these (see internal/catalog).
package catalogs

import "embed"

// FS is every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
