// Package catalogs holds the shipped criteria catalogs, embedded so the
// service runs without files on disk: the national commune sets (copied from
// shared/domain, with Vietnamese names added where that copy has only English
// ones: offices read them), the village, district and province sets (written
// here, mostly unconfirmed: see their headers), the report bands, the
// recognition levels of each set, the kinds of targets and the crosswalks
// between successive commune sets (which older criteria stand for each newer
// one, for trends across phases). A province's own
// thresholds are not shipped here: they are loaded from a --catalog-dir at
// start-up (see internal/catalog).
package catalogs

import "embed"

// FS is every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
