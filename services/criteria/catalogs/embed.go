// Package catalogs holds the shipped national criteria catalogs (copied from
// shared/domain, with Vietnamese names added where that copy has only English
// ones: offices read them) and the report bands, embedded so the service runs
// without files on disk. A province's own thresholds are not shipped here: they are
// loaded from a --catalog-dir at start-up (see internal/catalog).
package catalogs

import "embed"

// FS is every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
