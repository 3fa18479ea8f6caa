package gateway

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// wireJSONSamples are aggregates whose JSON must not change by being
// cached: filled ones, an empty one (every field at its zero value), and
// one with what JSON escapes or spells specially.
func wireJSONSamples() []*criteriav1.Aggregate {
	odd := sampleAggregate(`"<&>\ thôn `+"\u2028\x7f", -3)
	odd.AverageMet = math.NaN()
	odd.Criteria[0].Percent = math.Inf(1)
	odd.Criteria[1].Percent = -0.0000001
	odd.MetHistogram = nil
	return []*criteriav1.Aggregate{sampleAggregate("19", 1), sampleAggregate("01", 2), sampleAggregate("19", 3), {}, odd}
}

// decodeAnswer decodes m's wire form as the gateway's gRPC client does.
func decodeAnswer(t *testing.T, codec wireCodec, m proto.Message) *criteriav1.Aggregate {
	t.Helper()
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got := &criteriav1.Aggregate{}
	if err := codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(raw)}, got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCachedJSONIsProtojsons(t *testing.T) {
	memo := newWireMemo()
	codec, marshaler := newWireCodec(memo), wireJSON{explainingJSON: explainingJSON{jsonMarshaler}, memo: memo, cache: newJSONCache()}
	samples := wireJSONSamples()
	for round := range 2 { // the first marshals and caches, the second reads the cache
		if cached := len(marshaler.cache.json); cached != round*len(samples) {
			t.Fatalf("round %d: %d answers cached, want %d", round, cached, round*len(samples))
		}
		for i, m := range samples {
			got := decodeAnswer(t, codec, m)
			want, err := jsonMarshaler.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			b, err := marshaler.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("round %d, sample %d: cached JSON\n%s\nwant protojson's\n%s", round, i, b, want)
			}
			if n := memo.len(); n != 0 {
				t.Errorf("round %d, sample %d: %d answers still remembered after marshaling", round, i, n)
			}
		}
	}
}

func TestUncachedTypesAreNotRemembered(t *testing.T) {
	memo := newWireMemo()
	raw, err := proto.Marshal(&registryv1.Unit{Code: "19"})
	if err != nil {
		t.Fatal(err)
	}
	var u registryv1.Unit
	if err := newWireCodec(memo).Unmarshal(mem.BufferSlice{mem.SliceBuffer(raw)}, &u); err != nil {
		t.Fatal(err)
	}
	if u.GetCode() != "19" || memo.len() != 0 {
		t.Errorf("decoded %v, %d remembered; want unit 19, none remembered", &u, memo.len())
	}
}

func TestWireMemoIsBounded(t *testing.T) {
	memo := newWireMemo()
	for i := range maxWireMemo + 10 {
		memo.remember(&criteriav1.Aggregate{}, fmt.Sprint(i))
	}
	if n := memo.len(); n > maxWireMemo {
		t.Errorf("%d answers remembered, more than %d", n, maxWireMemo)
	}
}

func TestJSONCacheIsBounded(t *testing.T) {
	c := newJSONCache()
	value := make([]byte, 10<<10)
	for i := range 2 * maxJSONCacheBytes / len(value) {
		c.put(jsonKey{typ: "a", wire: fmt.Sprint(i)}, value)
	}
	sum := 0
	for k, b := range c.json {
		sum += len(k.wire) + len(b)
	}
	if c.bytes != sum || sum > maxJSONCacheBytes {
		t.Errorf("cache holds %d bytes and counts %d; want them equal and at most %d", sum, c.bytes, maxJSONCacheBytes)
	}
	c.put(jsonKey{typ: "a", wire: "huge"}, make([]byte, maxJSONCacheBytes/8))
	if _, ok := c.get(jsonKey{typ: "a", wire: "huge"}); ok {
		t.Error("an answer larger than a sixteenth of the cache was cached")
	}
}

// TestAggregateAnswersAreProtojsonsOverREST reads aggregates through a
// gateway twice (uncached, then from the cache) and compares each with
// protojson's JSON of the same message.
func TestAggregateAnswersAreProtojsonsOverREST(t *testing.T) {
	agg := sampleAggregate("19", 1)
	gw, err := New(t.Context(), Options{CriteriaAddr: serveStubCriteria(t, agg), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close() })
	hts := httptest.NewServer(gw.Handler())
	t.Cleanup(hts.Close)
	want, err := jsonMarshaler.Marshal(agg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		resp, err := http.Get(hts.URL + "/v1/units/19/aggregate")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
			t.Errorf("read %d: %d %s\nwant 200 %s", i, resp.StatusCode, body, want)
		}
	}
}
