#!/usr/bin/env bash
# The load and failure suite (issue 20, part 4; bench/README.md, "Load and failure suite"): simulated agents and portal
# contacts over the API, through nginx, against PartnerDesk instances on PostgreSQL and Redis, in four phases:
#   steady    two instances (--instances), steady state
#   kill      the same, instance 2 killed (kill -9) a third into the measured time and started again --down s later
#   postgres  the same, PostgreSQL restarted (pg_ctl restart -m fast) a third into the measured time
#   single    one instance, steady state, for comparison
# then a count check of every write per phase, and the figures in bench/results/load-<time>.md (and last-load.md).
#
#   bench/load.sh [--agents 200] [--contacts 1000] [--duration 600] [--tickets 1000000] [--customers 5000]
#                 [--instances 2] [--warmup 60] [--down 10] [--agent-think 3] [--contact-think 15]
#                 [--phases steady,kill,postgres,single]
#
# It builds (Release) and publishes the host, starts a throwaway PostgreSQL, seeds it with the bench's bulk seed plus
# the suite's people, starts Redis, the instances and nginx with deploy/run-local.sh, runs the phases, and stops
# everything it started, also when something fails. Needs Debian's postgresql, redis-server, nginx (or nginx-light), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The warm-up outlasts the instances' start: each fresh instance compiled (JIT) for about 45 s under this load, the
# machine's two cores then fully busy (bench/README.md, "The start's slow reads"); steady state is measured after it.
AGENTS=200 CONTACTS=1000 DURATION=600 TICKETS=1000000 CUSTOMERS=5000 INSTANCES=2 WARMUP=60 DOWN=10
AGENT_THINK=3 CONTACT_THINK=15 PHASES=steady,kill,postgres,single
COMMAND="bench/load.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --agents) AGENTS=$2 ;;
    --contacts) CONTACTS=$2 ;;
    --duration) DURATION=$2 ;;
    --tickets) TICKETS=$2 ;;
    --customers) CUSTOMERS=$2 ;;
    --instances) INSTANCES=$2 ;;
    --warmup) WARMUP=$2 ;;
    --down) DOWN=$2 ;;
    --agent-think) AGENT_THINK=$2 ;;
    --contact-think) CONTACT_THINK=$2 ;;
    --phases) PHASES=$2 ;;
    *) echo "Unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
[ "$INSTANCES" -ge 2 ] || { echo "--instances must be 2 or more (the kill phase kills instance 2; 'single' is the one-instance run)" >&2; exit 2; }
for tool in redis-server nginx curl; do
  command -v "$tool" >/dev/null || { echo "Needs $tool (Debian: apt-get install redis-server nginx-light curl)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/partnerdesk-load.XXXXXX)
RESULTS=bench/results
STAMP=$(date -u +%Y%m%d-%H%M)
PG_DIR="$WORK/pg"
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
free_port() { for p in $(seq "$1" $(($1 + 200))); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
log() { printf '== %s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# deploy/run-local.sh reads these (its head); free ports, so that it runs beside anything else on the machine.
export PD_RUN_DIR="$WORK/run" PD_CONFIGURATION=Release PD_APP="$WORK/publish/PartnerDesk.dll" PD_DEMO_PASSWORD=Bench-password-1!
PD_PORT=$(free_port 8480); PD_REDIS_PORT=$(free_port 6490); PD_SIMULATOR_PORT=$(free_port 5480)
PD_FIRST_PORT=$(free_port 5401)
export PD_PORT PD_REDIS_PORT PD_SIMULATOR_PORT PD_FIRST_PORT
# What the instances inherit beyond run-local.sh's own settings: the bench host's (HostUnderTest): service health sync
# off (5,000 made-up tenants read from the simulator is a load real Graph does not make), and here also the GDAP and
# contact imports (they would replace the seeded GDAP with the simulator's), logging at Warning. Rate limits stay at
# their defaults: the people are many tokens, as at a desk, and a 429 is one of the answers the clients must honour.
export PartnerDesk__ServiceHealth__Enabled=false PartnerDesk__Gdap__Enabled=false PartnerDesk__ContactImport__Enabled=false
export Logging__LogLevel__Default=Warning

BENCH=(dotnet bench/PartnerDesk.Bench/bin/Release/net10.0/PartnerDesk.Bench.dll load)

stop_all() {
  local code=$?
  set +e
  deploy/run-local.sh stop >/dev/null 2>&1
  [ -z "${SAMPLER:-}" ] || { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; }
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' stop -m fast -w" >/dev/null 2>&1; fi
  mkdir -p "$RESULTS/load-logs"
  cp "$PD_RUN_DIR"/*.log "$RESULTS/load-logs/" 2>/dev/null
  cp "$PD_RUN_DIR/nginx/error.log" "$RESULTS/load-logs/nginx-error.log" 2>/dev/null
  cp "$PG_DIR/log" "$RESULTS/load-logs/postgres.log" 2>/dev/null
  cp "$WORK/cpu-by-second.tsv" "$RESULTS/load-logs/" 2>/dev/null
  rm -rf "$WORK"
  [ "$code" = 0 ] || echo "load.sh failed (exit code $code); logs in $RESULTS/load-logs/" >&2
}
trap stop_all EXIT
trap 'exit 130' INT TERM

mkdir -p "$RESULTS"
rm -rf "$RESULTS/load-logs"
log "building the bench and publishing the host (Release)"
dotnet build bench/PartnerDesk.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
# ReadyToRun, as docs/deployment.md builds an instance. A fresh instance still spends about 23 s of CPU in the JIT over
# its first 45 s of load (tier-1 recompiling), R2R or not; R2R compiles a fifth fewer methods (bench/README.md,
# decisions 8t.7). PD_LOAD_R2R=false publishes plain IL, to compare.
dotnet publish src/PartnerDesk -c Release -o "$WORK/publish" -r linux-x64 --self-contained false -p:PublishReadyToRun="${PD_LOAD_R2R:-true}" \
  -nologo -v quiet -clp:ErrorsOnly

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_PORT=$(free_port 54530)
mkdir -p "$PG_DIR"
[ "$(id -u)" = 0 ] && chown postgres "$WORK" "$PG_DIR"
run_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8" >"$WORK/initdb.log"
# Durable defaults (fsync, synchronous_commit), as bench/run.sh; connections for the instances' pools and the seed.
PG_START="'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=512MB -c maintenance_work_mem=256MB\" -l '$PG_DIR/log' -w"
run_pg "$PG_START start" >/dev/null
SERVER="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
# The postgres phase's failure: a fast restart (open connections are cut; pg_ctl keeps the start's options).
PG_RESTART="'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w -m fast restart >/dev/null"
if [ "$(id -u)" = 0 ]; then PG_RESTART="su postgres -s /bin/sh -c \"$PG_RESTART\""; fi
# The pool as docs/deployment.md sets it: idle connections kept for an hour. With Npgsql's default (300 s) every phase
# stalled for a second at its second 296, when the warm-up's burst of connections was pruned (decisions 8s.3).
# PD_LOAD_POOL=";Connection Idle Lifetime=300" shows that again.
export PD_POSTGRES="$SERVER;Database=partnerdesk_bench;Maximum Pool Size=100${PD_LOAD_POOL:-;Connection Idle Lifetime=3600}"
log "PostgreSQL on 127.0.0.1:$PG_PORT; seeding $TICKETS tickets, $AGENTS agents, $CONTACTS contacts"
"${BENCH[@]}" seed --postgres "$SERVER" --tickets "$TICKETS" --customers "$CUSTOMERS" --agents "$AGENTS" --contacts "$CONTACTS" --work "$WORK"

# CPU by second of the instances, PostgreSQL and nginx, from here to the end (load-logs/cpu-by-second.tsv).
bench/cpu-by-second.sh "$PD_RUN_DIR" "$PG_DIR/data" "$WORK/cpu-by-second.tsv" &
SAMPLER=$!

# The rollup's rounds logged by every instance started (a dotted name, which only env can pass): when one runs, how long.
ROLLUP_LOG="Logging__LogLevel__PartnerDesk.Features.Reports.ResponseTimeRollupJob=Information"
started=""
start_instances() { # count
  if [ -n "$started" ]; then deploy/run-local.sh stop >/dev/null; fi
  env "$ROLLUP_LOG" PD_INSTANCES="$1" deploy/run-local.sh start
  started=$1
}

phase() { # name, title, instances, extra options…
  local name=$1 title=$2 instances=$3
  shift 3
  [ "$started" = "$instances" ] || start_instances "$instances"
  log "phase $name: $title"
  local access="$PD_RUN_DIR/nginx/access.log" before
  before=$(wc -l <"$access")
  "${BENCH[@]}" phase --url "http://127.0.0.1:$PD_PORT" --postgres "$PD_POSTGRES" --people "$WORK/people.json" --name "$name" --title "$title" \
    --instances "$instances" --warmup "$WARMUP" --duration "$DURATION" --agent-think "$AGENT_THINK" --contact-think "$CONTACT_THINK" \
    --out "$WORK/phase-$name.json" "$@"
  # Which instance answered (nginx's log names it last on each line): proof that both took their share.
  tail -n +$((before + 1)) "$access" | awk '{print $NF}' | sort | uniq -c | awk '{print $2, $1}' >"$WORK/split-$name.txt"
}

# Failures come a third into the measured time, so that a steady stretch comes before and after them.
FAULT_AT=$((WARMUP + DURATION / 3))
IFS=, read -r -a phase_list <<<"$PHASES"
for p in "${phase_list[@]}"; do
  case "$p" in
    steady) phase steady "Steady state, $INSTANCES instances" "$INSTANCES" ;;
    kill) phase kill "Instance 2 killed (kill -9) and started again, $INSTANCES instances" "$INSTANCES" \
      --fault-at "$FAULT_AT" --fault "deploy/run-local.sh kill 2" --recover-after "$DOWN" \
      --recover "env $ROLLUP_LOG deploy/run-local.sh start-instance 2" ;;
    postgres) phase postgres "PostgreSQL restarted, $INSTANCES instances" "$INSTANCES" \
      --fault-at "$FAULT_AT" --fault "$PG_RESTART" ;;
    single) phase single "Steady state, 1 instance" 1 ;;
    *) echo "Unknown phase $p" >&2; exit 2 ;;
  esac
done

# The report exits 1 when a write was lost or doubled: the figures are kept either way.
verdict=0
"${BENCH[@]}" report --work "$WORK" --phases "$PHASES" --command "$COMMAND" --out "$RESULTS/load-$STAMP.md" || verdict=$?
cp "$RESULTS/load-$STAMP.md" "$RESULTS/last-load.md"
log "figures in $RESULTS/load-$STAMP.md"
exit "$verdict"
