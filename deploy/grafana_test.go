package deploy_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/grpcserver"
)

// describedNames records the names of the metrics registered on it, and
// of their labels, from their descriptions: vectors without a series yet
// (no call served) are not gathered, but are described.
type describedNames map[string]map[string]bool

// descParts are the name and labels in a Desc's String(): prometheus has
// no accessor for them.
var descParts = regexp.MustCompile(`fqName: "([^"]+)".*constLabels: \{([^}]*)\}, variableLabels: \{([^}]*)\}`)

func (d describedNames) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc)
	go func() { c.Describe(ch); close(ch) }()
	for desc := range ch {
		m := descParts.FindStringSubmatch(desc.String())
		if m == nil {
			panic("unexpected Desc format: " + desc.String())
		}
		// Prometheus adds job and instance; histograms have le.
		labels := map[string]bool{"job": true, "instance": true, "le": true}
		for _, l := range strings.Split(m[2]+","+m[3], ",") {
			if name, _, _ := strings.Cut(l, "="); name != "" {
				labels[name] = true
			}
		}
		d[m[1]] = labels
	}
	return nil
}

func (d describedNames) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		_ = d.Register(c)
	}
}

func (d describedNames) Unregister(prometheus.Collector) bool { return false }

// selector is a series selector in the dashboard's PromQL: a metric name
// and its label matchers; grouping lists the labels of by (…).
var (
	selector = regexp.MustCompile(`\b([a-z_]+)\{([^}]*)\}`)
	matcher  = regexp.MustCompile(`([a-z_]+)\s*(?:=~|!~|!=|=)`)
	grouping = regexp.MustCompile(`by \(([^)]*)\)`)
)

// Every series the dashboard queries is one the services export (the
// gRPC server metrics and the cache's), and it shows the rate, errors and
// duration per method and the cache hit ratio.
func TestDashboardQueriesExportedMetrics(t *testing.T) {
	exported := describedNames{}
	grpcserver.NewMetrics(exported)
	cache.NewLoader(cache.NewMemory(), cache.LoaderOptions{Metrics: exported})
	if len(exported) == 0 {
		t.Fatal("no metrics described")
	}

	data, err := os.ReadFile("grafana/ntm.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			var labels []string
			for _, g := range grouping.FindAllStringSubmatch(target.Expr, -1) {
				labels = append(labels, strings.Split(strings.ReplaceAll(g[1], " ", ""), ",")...)
			}
			sels := selector.FindAllStringSubmatch(target.Expr, -1)
			if len(sels) == 0 {
				t.Errorf("panel %q: no series in %s", p.Title, target.Expr)
			}
			for _, sel := range sels {
				name := sel[1]
				base := name
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					base = strings.TrimSuffix(base, suffix)
				}
				known := exported[name]
				if known == nil {
					known = exported[base]
				}
				if known == nil {
					t.Errorf("panel %q queries %s, which no service exports", p.Title, name)
					continue
				}
				used[name] = true
				for _, m := range matcher.FindAllStringSubmatch(sel[2], -1) {
					labels = append(labels, m[1])
				}
				for _, l := range labels {
					if !known[l] {
						t.Errorf("panel %q uses label %s, which %s does not have", p.Title, l, name)
					}
				}
			}
		}
	}
	for _, want := range []string{"grpc_server_handled_total", "grpc_server_handling_seconds_bucket", "ntm_cache_requests_total"} {
		if !used[want] {
			t.Errorf("no panel queries %s", want)
		}
	}
}
