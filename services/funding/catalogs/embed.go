// Package catalogs holds the shipped funding catalog (sources, purposes and
// the criteria set of each budget year), embedded so the service runs without
// files on disk. A province's entries are loaded from a catalog directory at
// start-up, after these (see internal/catalog).
package catalogs

import "embed"

// FS is every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
