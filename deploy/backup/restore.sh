#!/usr/bin/env bash
# Restores a dump of backup.sh into an empty database, all or nothing. The
# services started on it find their migrations up to date and serve what
# the original served.
#
#   createdb ntm_restored && deploy/backup/restore.sh ntm-2026-12-06.dump 'postgres://…/ntm_restored'
set -euo pipefail
if [[ $# -ne 2 ]]; then
	echo "usage: $0 DUMP_FILE POSTGRES_URL" >&2
	exit 2
fi
dump=$1 url=$2
if [[ -n "$(psql --no-psqlrc --tuples-only --quiet --dbname="$url" --command="SELECT 1 FROM pg_namespace WHERE nspname IN ('registry', 'criteria', 'ocop', 'funding') LIMIT 1")" ]]; then
	echo "$url already holds the suite's schemas: restore into an empty database" >&2
	exit 1
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$dump"
echo "restored $dump into the database" >&2
