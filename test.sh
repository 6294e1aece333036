#!/usr/bin/env bash
# Runs every test of PartnerDesk on a fresh machine that has the .NET SDK:
# installs what the tests need (Debian: postgresql, chromium, postfix and dovecot, redis-server), starts a throwaway PostgreSQL
# on a free loopback port (the tests start their own Postfix and Dovecot through tools/mailservers.sh, and their own
# redis-server for the two-instance tests, which run on PostgreSQL only), runs the format check, the whole suite on SQLite and on PostgreSQL (browser tests
# included), stops what it started (also on failure) and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. What the tests need -------------------------------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
missing=()
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
{ [ -x /usr/sbin/postfix ] && [ -x /usr/sbin/dovecot ] && [ -d /usr/lib/dovecot/modules ] && [ -x /usr/lib/dovecot/lmtp ]; } || missing+=(postfix dovecot-imapd dovecot-lmtpd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# 2. A throwaway PostgreSQL --------------------------------------------------------------------
free_port() {
  local p
  for p in $(seq 54330 54429); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
PG_DIR=$(mktemp -d /tmp/partnerdesk-pg.XXXXXX)
PG_PORT=$(free_port)
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
stop_all() {
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' stop -m immediate -w" >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}
trap stop_all EXIT INT TERM
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
run_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 --no-sync" >"$PG_DIR.initdb.log" 2>&1 \
  || { cat "$PG_DIR.initdb.log"; echo "0 passed, 1 failed"; exit 1; }
run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" -l '$PG_DIR/log' -w start" >/dev/null \
  || { cat "$PG_DIR/log"; echo "0 passed, 1 failed"; exit 1; }
rm -f "$PG_DIR.initdb.log"
POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Include Error Detail=true"

# 3. Build, format, tests -------------------------------------------------------------------------
passed=0 failed=0
count() { # adds the counts of one "dotnet test" run (its output in $1, its exit code in $2)
  local p f
  p=$(grep -hoE 'Passed: +[0-9]+' "$1" | awk '{s += $2} END {print s + 0}')
  f=$(grep -hoE 'Failed: +[0-9]+' "$1" | awk '{s += $2} END {print s + 0}')
  if [ "$2" != 0 ] && [ "$f" = 0 ]; then f=1; fi # a crash that printed no summary still fails
  passed=$((passed + p)) failed=$((failed + f))
}

log "restore and build"
if ! dotnet build PartnerDesk.slnx -c Debug -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"; exit 1
fi

log "format check"
if dotnet format PartnerDesk.slnx --verify-no-changes --no-restore; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

OUT=$(mktemp -d /tmp/partnerdesk-test-out.XXXXXX)
for db in sqlite postgres; do
  for project in tests/PartnerDesk.Tests tests/PartnerDesk.BrowserTests; do
    [ -d "$project" ] || continue
    log "$project on $db"
    if [ "$db" = postgres ]; then export PD_TEST_POSTGRES="$POSTGRES"; else unset PD_TEST_POSTGRES; fi
    PD_TEST_ARTIFACTS="$ROOT/artifacts/$db" dotnet test "$project" --no-build -nologo 2>&1 | tee "$OUT/$db.$(basename "$project").log"
    count "$OUT/$db.$(basename "$project").log" "${PIPESTATUS[0]}"
  done
done
rm -rf "$OUT"

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
