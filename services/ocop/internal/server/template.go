package server

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/request"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/ocopform"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// templatePage is how many producers or products a template's listing
// reads at a time.
const templatePage = 1000

// GetProducerTemplate is the list of producers as an Excel workbook, with
// a row for each commune and ward under unit_code when one is named.
func (s *Server) GetProducerTemplate(ctx context.Context, req *ocopv1.GetProducerTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var units []ocopform.Unit
	if code := req.GetUnitCode(); code != "" {
		if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
			return nil, err
		}
		codes, err := s.unitsOfDay(ctx, code, on)
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			u, err := s.registry.Unit(ctx, c, on)
			if err != nil {
				return nil, err
			}
			units = append(units, ocopform.Unit{Code: u.Code, Name: u.Name})
		}
	}
	return workbook(ctx, ocopform.ProducerTemplate(units), "danh-sach-chu-the-ocop", req.GetUnitCode(), on)
}

// GetProductTemplate is the list of products as an Excel workbook, with a
// row for each producer under unit_code on as_of when one is named.
func (s *Server) GetProductTemplate(ctx context.Context, req *ocopv1.GetProductTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	var producers []ocopform.Listed
	if code := req.GetUnitCode(); code != "" {
		units, err := s.templateUnits(ctx, code, on)
		if err != nil {
			return nil, err
		}
		for after := int64(0); ; {
			page, err := s.store.ListProducers(ctx, units, on, after, templatePage)
			if err != nil {
				return nil, err
			}
			for _, p := range page {
				producers = append(producers, ocopform.Listed{Ref: store.ProducerName(p.ID), Name: p.Name})
			}
			if len(page) < templatePage {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	return workbook(ctx, ocopform.ProductTemplate(s.groups(), producers), "danh-sach-san-pham-ocop", req.GetUnitCode(), on)
}

// GetEvaluationTemplate is the council results' form of a catalog (the one
// in force on as_of unless named) as an Excel workbook, with a row for each
// product under unit_code on as_of when one is named.
func (s *Server) GetEvaluationTemplate(ctx context.Context, req *ocopv1.GetEvaluationTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	set, err := s.templateSet(req.GetCatalog(), on)
	if err != nil {
		return nil, err
	}
	var products []ocopform.Listed
	if code := req.GetUnitCode(); code != "" {
		units, err := s.templateUnits(ctx, code, on)
		if err != nil {
			return nil, err
		}
		for after := int64(0); ; {
			page, err := s.store.ListProducts(ctx, units, store.ProductFilter{}, on, after, templatePage)
			if err != nil {
				return nil, err
			}
			for _, p := range page {
				products = append(products, ocopform.Listed{Ref: store.ProductName(p.ID), Name: p.Name})
			}
			if len(page) < templatePage {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	tpl := ocopform.EvaluationTemplate(sheetOf(set), products, on.Time().Format("02/01/2006"))
	return workbook(ctx, tpl, "ket-qua-danh-gia-ocop-"+set.Code, req.GetUnitCode(), on)
}

// templateUnits are the units whose producers a template of code lists on
// d, as ListProducers reads them, once the caller may read code.
func (s *Server) templateUnits(ctx context.Context, code string, d date.Date) ([]string, error) {
	if err := s.guard.Unit(ctx, auth.Read, code); err != nil {
		return nil, err
	}
	return s.caches.units.Get(ctx, unitsKey{Unit: code, AsOf: d})
}

// templateSet is the catalog named, or the one in force on d.
func (s *Server) templateSet(named string, d date.Date) (*catalog.Set, error) {
	if named != "" {
		set, ok := s.catalog.Set(named)
		if !ok {
			return nil, fault.Invalid("catalog", "no OCOP catalog %q (GET /v1/ocopCatalogs lists them)", named)
		}
		return set, nil
	}
	set, ok := s.catalog.For(d)
	if !ok {
		return nil, fault.Invalid("as_of", "no OCOP catalog is in force on %s", d)
	}
	return set, nil
}

// workbook answers tpl, named after base, the unit and the day.
func workbook(ctx context.Context, tpl sheet.Template, base, unit string, on date.Date) (*httpbody.HttpBody, error) {
	if unit != "" {
		base += "-" + unit
	}
	return importing.Workbook(ctx, tpl, base+"-"+on.String())
}

// groups are the catalog's product groups, as the products' form lists them.
func (s *Server) groups() []ocopform.Group {
	out := make([]ocopform.Group, len(s.catalog.ProductGroups))
	for i, g := range s.catalog.ProductGroups {
		out[i] = ocopform.Group{Code: g.Code, Name: g.Name}
	}
	return out
}

// sheets are the scoring sheets of every catalog: a results file is read
// before its dates say which catalog each row follows.
func (s *Server) sheets() []ocopform.Sheet {
	out := make([]ocopform.Sheet, len(s.catalog.Sets))
	for i, set := range s.catalog.Sets {
		out[i] = sheetOf(set)
	}
	return out
}

func sheetOf(set *catalog.Set) ocopform.Sheet {
	sh := ocopform.Sheet{Code: set.Code, Name: set.Name}
	for _, l := range set.Lines {
		sh.Lines = append(sh.Lines, ocopform.Line{Code: l.Code, Name: l.Name, MaxPoints: l.MaxPoints})
	}
	for _, b := range set.Bands {
		sh.Bands = append(sh.Bands, ocopform.Band{Stars: b.Stars, Label: b.Label})
	}
	return sh
}
