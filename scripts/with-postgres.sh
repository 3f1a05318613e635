#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster on loopback.
# The cluster lives in a temporary folder and is removed on exit, whatever happens.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
datadir=$(mktemp -d /tmp/minka-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$datadir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  status=$?
  if [ "$status" != 0 ] && [ -f "$datadir/log" ]; then
    # What PostgreSQL saw of waits and timeouts, before the cluster goes.
    grep -E -A2 "still waiting|deadlock|lock timeout|statement timeout" "$datadir/log" | tail -n 60 || true
  fi
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$datadir/data" -U minka --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $datadir -c log_lock_waits=on -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${as_pg[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U minka minka
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
MINKA_DATABASE_URL="postgres://minka@127.0.0.1:$port/minka" "$@"
