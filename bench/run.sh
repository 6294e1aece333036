#!/usr/bin/env bash
# The PartnerDesk benchmark: builds the host and the bench in Release, starts a throwaway PostgreSQL on
# a free loopback port (unless PD_BENCH_POSTGRES names a server), then seeds and measures SQLite and
# PostgreSQL (see bench/README.md). Extra arguments go to the bench, e.g. --tickets 20000 --duration 10;
# PD_BENCH_PG_OPTIONS adds server settings to the throwaway PostgreSQL (e.g. "-c synchronous_commit=off").
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORK=$(mktemp -d /tmp/partnerdesk-bench.XXXXXX)
PG_DIR="$WORK/pg"

stop_all() {
  [ -n "${MAILTEST_DIR:-}" ] && tools/mailservers.sh stop >/dev/null 2>&1 || true
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' stop -m fast -w" >/dev/null 2>&1 || true
  fi
  cp "$WORK"/host-*.log bench/results/ 2>/dev/null || true
  rm -rf "$WORK"
}
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
trap stop_all EXIT INT TERM

mkdir -p bench/results # not in git: a fresh clone has no such folder
dotnet build bench/PartnerDesk.Bench -c Release -nologo -v quiet -clp:ErrorsOnly

POSTGRES=${PD_BENCH_POSTGRES:-}
if [ -z "$POSTGRES" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PORT=$(for p in $(seq 54430 54529); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; break; }; done)
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$WORK" "$PG_DIR"
  run_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8" >"$WORK/initdb.log"
  # Durable defaults (fsync and synchronous_commit on); only memory and connections sized for the host.
  run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -o \"-p $PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB -c maintenance_work_mem=256MB ${PD_BENCH_PG_OPTIONS:-}\" -l '$PG_DIR/log' -w start" >/dev/null
  POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres"
fi

# The mail workload reads from a real Dovecot: Postfix and Dovecot on loopback, as the tests use them.
if [[ " $* " == *" --only mail "* ]]; then
  export MAILTEST_DIR="$WORK/mail"
  chmod 755 "$WORK" # the maildirs' owner (nobody) must reach into it
  servers=$(tools/mailservers.sh start) || exit 1
  eval "$servers"
  export PD_BENCH_IMAP_PORT=$IMAP_PORT PD_BENCH_SMTP_PORT=$SMTP_PORT PD_BENCH_MAIL_PASSWORD=$MAIL_PASSWORD
fi

dotnet bench/PartnerDesk.Bench/bin/Release/net10.0/PartnerDesk.Bench.dll \
  --host src/PartnerDesk/bin/Release/net10.0/PartnerDesk.dll --postgres "$POSTGRES" \
  --work "$WORK" --report bench/results/last-run.md "$@"
