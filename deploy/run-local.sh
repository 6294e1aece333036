#!/usr/bin/env bash
# Several PartnerDesk instances on one machine, as in production (docs/deployment.md), for tests and benchmarks:
# PostgreSQL (a throwaway one, or PD_POSTGRES), Redis, N instances on loopback ports, nginx in front.
#
#   deploy/run-local.sh start      # builds nothing: run `dotnet build PartnerDesk.slnx` (or -c Release) first
#   deploy/run-local.sh status
#   deploy/run-local.sh stop       # SIGTERM: each instance drains, finishes its requests, hands its leases back
#   deploy/run-local.sh kill N     # kill -9 of instance N (the load suite's failure: no draining, leases left to expire)
#   deploy/run-local.sh start-instance N   # starts instance N again, with the settings of `start`, and waits until ready
#
# Settings (environment): PD_INSTANCES (2), PD_PORT (8080, nginx), PD_FIRST_PORT (5101, the instances),
# PD_POSTGRES (a connection string; else a throwaway server in the run directory), PD_REDIS_PORT (6390),
# PD_CONFIGURATION (Debug), PD_APP (a published PartnerDesk.dll, run as Production: for benchmarks),
# PD_RUN_DIR (/tmp/partnerdesk-run), PD_DEMO_PASSWORD (Demo-Password-2026!).
# The instances run in demo mode against PartnerDesk.Simulator (started once, for all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${PD_RUN_DIR:-/tmp/partnerdesk-run}
INSTANCES=${PD_INSTANCES:-2}
PORT=${PD_PORT:-8080}
FIRST_PORT=${PD_FIRST_PORT:-5101}
REDIS_PORT=${PD_REDIS_PORT:-6390}
SIM_PORT=${PD_SIMULATOR_PORT:-5080}
CONFIGURATION=${PD_CONFIGURATION:-Debug}
DEMO_PASSWORD=${PD_DEMO_PASSWORD:-Demo-Password-2026!}
# A build (dotnet build) serves the framework's scripts from its static web assets manifest, which ASP.NET Core reads
# in Development only; a published app (PD_APP=…/publish/PartnerDesk.dll) has them in its wwwroot and runs as Production.
APP=${PD_APP:-"$ROOT/src/PartnerDesk/bin/$CONFIGURATION/net10.0/PartnerDesk.dll"}
if [ -n "${PD_APP:-}" ]; then APP_DIR=$(dirname "$APP"); ENVIRONMENT=${PD_ENVIRONMENT:-Production}
else APP_DIR="$ROOT/src/PartnerDesk"; ENVIRONMENT=${PD_ENVIRONMENT:-Development}; fi
SIM="$ROOT/src/PartnerDesk.Simulator/bin/$CONFIGURATION/net10.0/PartnerDesk.Simulator.dll"

log() { printf '== %s\n' "$*"; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

wait_ready() { # url, what[, any: any HTTP answer will do]
  for _ in $(seq 1 240); do
    if [ "${3:-}" = any ]; then
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != 000 ] && return 0
    elif curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not become ready ($1); see $RUN/*.log" >&2
  return 1
}

launch_instance() { # number, connection string
  local port=$((FIRST_PORT + $1 - 1))
  ASPNETCORE_ENVIRONMENT=$ENVIRONMENT \
  ASPNETCORE_FORWARDEDHEADERS_ENABLED=true \
  PartnerDesk__Database=Postgres \
  ConnectionStrings__PartnerDesk="$2" \
  PartnerDesk__Redis="127.0.0.1:$REDIS_PORT" \
  PartnerDesk__DemoMode=true \
  PartnerDesk__DemoPassword="$DEMO_PASSWORD" \
  PartnerDesk__PublicUrl="http://127.0.0.1:$PORT" \
  PartnerDesk__DrainSeconds=2 \
  PartnerDesk__Microsoft__UseSimulator=false \
  PartnerDesk__Microsoft__GraphBaseUrl="http://127.0.0.1:$SIM_PORT/v1.0" \
  PartnerDesk__Microsoft__LoginBaseUrl="http://127.0.0.1:$SIM_PORT/" \
  PartnerDesk__Microsoft__PartnerCenterBaseUrl="http://127.0.0.1:$SIM_PORT/" \
  nohup dotnet "$APP" --urls "http://127.0.0.1:$port" --contentRoot "$APP_DIR" >>"$RUN/instance$1.log" 2>&1 &
  echo $! >"$RUN/instance$1.pid"
}

start() {
  [ -f "$APP" ] || { echo "Build first: dotnet build PartnerDesk.slnx -c $CONFIGURATION" >&2; exit 1; }
  for tool in redis-server redis-cli nginx curl; do
    command -v "$tool" >/dev/null || { echo "Needs $tool (Debian: apt-get install redis-server nginx-light curl)" >&2; exit 1; }
  done
  mkdir -p "$RUN"

  # PostgreSQL: the one given, or a throwaway server.
  local postgres=${PD_POSTGRES:-}
  if [ -z "$postgres" ]; then
    local pg_bin pg_port=${PD_PG_PORT:-54390}
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    mkdir -p "$RUN/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$RUN/pg"
    if [ ! -f "$RUN/pg/data/PG_VERSION" ]; then
      as_postgres "'$pg_bin/initdb' -D '$RUN/pg/data' -U postgres --auth=trust -E UTF8 --no-sync" >"$RUN/pg-initdb.log"
    fi
    as_postgres "'$pg_bin/pg_ctl' -D '$RUN/pg/data' -o \"-p $pg_port -k '$RUN/pg' -c listen_addresses=127.0.0.1 -c max_connections=300\" -l '$RUN/pg/log' -w start" >/dev/null
    echo "$pg_bin" >"$RUN/pg.bin"
    postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=partnerdesk;Connection Idle Lifetime=3600" # as docs/deployment.md
    log "PostgreSQL on 127.0.0.1:$pg_port"
  fi
  # start-instance reads it again (a restarted instance must reach the same database).
  printf '%s' "$postgres" >"$RUN/postgres.conn"

  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$RUN" \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
  # --daemonize returns before the port is bound: an instance started now could find no Redis and work alone.
  local tries=0
  until redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || { echo "Redis did not start on 127.0.0.1:$REDIS_PORT (see $RUN/redis.log)" >&2; exit 1; }
    sleep 0.1
  done
  log "Redis on 127.0.0.1:$REDIS_PORT"

  nohup dotnet "$SIM" --urls "http://127.0.0.1:$SIM_PORT" --scenario "$ROOT/src/PartnerDesk/bin/$CONFIGURATION/net10.0/scenarios/demo.json" \
    >"$RUN/simulator.log" 2>&1 &
  echo $! >"$RUN/simulator.pid"
  wait_ready "http://127.0.0.1:$SIM_PORT/" "the simulator" any

  local i
  for i in $(seq 1 "$INSTANCES"); do
    launch_instance "$i" "$postgres"
    # The first instance migrates and, on an empty database, seeds the demo world: the others start after it.
    if [ "$i" = 1 ]; then wait_ready "http://127.0.0.1:$FIRST_PORT/health/ready" "instance 1"; fi
  done
  for i in $(seq 2 "$INSTANCES"); do
    wait_ready "http://127.0.0.1:$((FIRST_PORT + i - 1))/health/ready" "instance $i"
  done
  log "$INSTANCES instances on 127.0.0.1:$FIRST_PORT.."

  local upstreams=""
  for i in $(seq 1 "$INSTANCES"); do
    upstreams+="        server 127.0.0.1:$((FIRST_PORT + i - 1)) max_fails=1 fail_timeout=10s;"$'\n'
  done
  mkdir -p "$RUN/nginx"
  python3 - "$ROOT/deploy/nginx.conf.template" "$RUN/nginx/nginx.conf" "127.0.0.1:$PORT" "$RUN/nginx" "$upstreams" <<'PY'
import sys
template, target, listen, prefix, upstreams = sys.argv[1:]
text = open(template).read().replace("@LISTEN@", listen).replace("@PREFIX@", prefix).replace("@UPSTREAMS@", upstreams.rstrip("\n"))
open(target, "w").write(text)
PY
  nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf"
  wait_ready "http://127.0.0.1:$PORT/health/ready" "nginx"
  log "nginx on http://127.0.0.1:$PORT (sign in as admin@contoso-cloud.example with $DEMO_PASSWORD)"
}

stop() {
  [ -d "$RUN" ] || return 0
  if [ -f "$RUN/nginx/nginx.pid" ]; then nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -s quit 2>/dev/null || true; fi
  local pidfile pids=()
  for pidfile in "$RUN"/instance*.pid "$RUN/simulator.pid"; do
    [ -f "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done
  if [ -f "$RUN/redis.pid" ]; then
    # Waited for: a start right after a stop (the load suite's phases) would otherwise find the port still taken.
    local redis_pid
    redis_pid=$(cat "$RUN/redis.pid")
    kill -TERM "$redis_pid" 2>/dev/null || true
    while kill -0 "$redis_pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$RUN/redis.pid"
  fi
  if [ -f "$RUN/pg.bin" ]; then
    as_postgres "'$(cat "$RUN/pg.bin")/pg_ctl' -D '$RUN/pg/data' stop -m fast -w" >/dev/null 2>&1 || true
  fi
  log "stopped (logs and data stay in $RUN; remove it for a fresh start)"
}

kill_instance() { # kill -9: the instance gets no chance to drain or hand its leases back
  local pidfile="$RUN/instance$1.pid"
  [ -f "$pidfile" ] || { echo "instance $1 is not running (no $pidfile)" >&2; exit 1; }
  kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
  log "instance $1 killed (kill -9)"
}

start_instance() {
  [ -f "$RUN/postgres.conn" ] || { echo "Start the set-up first: $0 start" >&2; exit 1; }
  launch_instance "$1" "$(cat "$RUN/postgres.conn")"
  wait_ready "http://127.0.0.1:$((FIRST_PORT + $1 - 1))/health/ready" "instance $1"
  log "instance $1 ready again"
}

status() {
  local pidfile
  for pidfile in "$RUN"/instance*.pid; do
    [ -f "$pidfile" ] || continue
    local n=${pidfile##*/instance}; n=${n%.pid}
    printf 'instance %s (pid %s): %s\n' "$n" "$(cat "$pidfile")" \
      "$(curl -s "http://127.0.0.1:$((FIRST_PORT + n - 1))/health/ready" || echo down)"
  done
  printf 'nginx: %s\n' "$(curl -s "http://127.0.0.1:$PORT/health/ready" || echo down)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_instance "${2:?instance number}" ;;
  start-instance) start_instance "${2:?instance number}" ;;
  *) echo "usage: $0 start|status|stop|kill N|start-instance N" >&2; exit 2 ;;
esac
