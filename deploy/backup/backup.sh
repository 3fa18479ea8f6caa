#!/usr/bin/env bash
# Dumps the suite's data from PostgreSQL: the schema of every service
# (registry, criteria, ocop, funding; each holds its audit trail and
# migration versions) into one custom-format file, while the suite serves.
#
#   deploy/backup/backup.sh 'postgres://…/ntm' ntm-2026-12-06.dump
#
# Restore it with restore.sh. Redis needs no backup: it holds nothing the
# databases do not.
set -euo pipefail
if [[ $# -ne 2 ]]; then
	echo "usage: $0 POSTGRES_URL DUMP_FILE" >&2
	exit 2
fi
url=$1 out=$2
schemas=(registry criteria ocop funding)
args=()
for s in "${schemas[@]}"; do args+=("--schema=$s"); done
pg_dump --format=custom --no-owner --file="$out" "${args[@]}" --dbname="$url"
echo "dumped ${schemas[*]} to $out" >&2
