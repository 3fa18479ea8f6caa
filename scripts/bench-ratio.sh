#!/usr/bin/env bash
# Prints the warm aggregate read's throughput as a share of the bare
# gRPC+Redis read's (issue 4 target: >= 70%), from the medians of a
# `go test -bench` output file, for each client variant (decoded, raw).
set -euo pipefail
file=$1
median() { grep "^Benchmark$1-" "$file" | awk '{print $3}' | sort -n | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for variant in decoded raw; do
  warm=$(median "AggregateWarm/$variant")
  bare=$(median "BareRedisGRPC/$variant")
  awk -v w="$warm" -v b="$bare" -v v="$variant" 'BEGIN {printf "warm read throughput (%s client) = %.0f%% of bare gRPC+Redis (target >= 70%%): medians %.1f us/op warm, %.1f us/op bare\n", v, 100*b/w, w/1000, b/1000}'
done
