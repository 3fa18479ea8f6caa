#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis run on localhost, as the tests talk to real
# ones, and that Chromium is there for the dashboard's browser tests. Installs
# them from Debian's packages when missing and starts the servers with the
# commands known to work on this kind of machine (no systemd).
set -euo pipefail

installed_pg=
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || { missing+=(postgresql); installed_pg=1; }
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -n "$installed_pg" ]; then
  # A fresh cluster asks for passwords over TCP; the tests connect as postgres
  # without one, like on the machines this project runs on.
  sed -i -E 's/(scram-sha-256|md5|peer)$/trust/' /etc/postgresql/*/main/pg_hba.conf
fi

wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not start" >&2
  return 1
}

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL ..." >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis ..." >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi
