package rating

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
)

// CheckCertification says whether a council of level may certify a product
// of stars (total points) evaluated on `on`, under the council rules in force
// that day: only certified stars (3 to 5), only the level that certifies
// them in that period, and the level's minimum points where the data sets
// one (5 stars from 2025-07-06: 90). It takes the catalog and the date rather
// than the period so its messages can name the date. field is the request
// field the errors name (e.g. "evaluation.council_level").
func CheckCertification(cat *catalog.Catalog, on date.Date, level catalog.CouncilLevel, stars int, total float64, field string) error {
	if stars < cat.CertifiedFromStars {
		return fault.Invalid(field, "a %d-star product is not certified: OCOP certificates are for %d stars or more", stars, cat.CertifiedFromStars)
	}
	p, ok := cat.CouncilPeriodFor(on)
	if !ok {
		return fault.Invalid(field, "no OCOP council rules are in force on %s", on)
	}
	under := "under the rules in force on " + on.String() + decision(p.Basis)
	certifier, ok := p.Certifier(stars)
	if !ok {
		return fault.Invalid(field, "no council certifies %d stars %s", stars, under)
	}
	rule, ok := p.Rule(level)
	switch {
	case !ok:
		return fault.Invalid(field, "there is no %s %s: %d stars need the %s", level.Council(), under, stars, certifier.Level.Council())
	case !rule.Certifies(stars):
		return fault.Invalid(field, "the %s cannot certify %d stars %s: %d stars need the %s", level.Council(), stars, under, stars, certifier.Level.Council())
	case total < rule.MinPointsToPropose:
		return fault.Invalid(field, "%v points are too few for the %s %s: a product needs at least %v points to be proposed", total, level.Council(), under, rule.MinPointsToPropose)
	}
	return nil
}

// decision writes a decision number as English messages quote it:
// " (Decision 148/QĐ-TTg)"; the number itself is the document's name.
func decision(doc string) string {
	switch {
	case doc == "":
		return ""
	case strings.Contains(doc, "/QĐ-"):
		return " (Decision " + doc + ")"
	}
	return " (" + doc + ")"
}
