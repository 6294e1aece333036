#!/usr/bin/env bash
# CPU by second of each part of the load suite's machine, to read a phase's slow seconds against (bench/load.sh starts
# it; bench/README.md, "The start's slow reads"). One line about every second in OUT: the UTC time, then milliseconds
# of CPU used since the line before by each PartnerDesk instance (RUN/instance<n>.pid), by PostgreSQL (the postmaster
# and its backends), by nginx (RUN/nginx/nginx.pid and its workers), and by the whole machine (/proc/stat), and the
# machine's idle share (waiting for the disk counts as idle). Stops when the process that started it is gone.
#
#   bench/cpu-by-second.sh RUN_DIR PG_DATA OUT
set -u
RUN=$1 PG_DATA=$2 OUT=$3
HZ=$(getconf CLK_TCK)
PARENT=$PPID
declare -A group last used
# Each member's "pid start-time ticks": one cat and one awk for all of them (a fork per backend would cost the machine
# what it measures), and a process that ended meanwhile is skipped, not the ones after it. The command name may hold
# spaces, so the fields are counted after its closing parenthesis.
ticks() {
  [ $# -gt 0 ] || return 0
  cat $(printf '/proc/%s/stat ' "$@") 2>/dev/null | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $20, $12 + $13 }'
}
# Milliseconds each group used since the last sample, in used[group]. A process is known by its pid and start time
# (pids are reused in a long run); one seen first counts all it used, as it began within the second.
sample() {
  local pid start now key
  declare -A seen=()
  used=()
  while read -r pid start now; do
    key=$pid:$start
    used[${group[$pid]}]=$((${used[${group[$pid]}]:-0} + now - ${last[$key]:-0}))
    seen[$key]=$now
  done < <(ticks "${!group[@]}")
  last=()
  for key in "${!seen[@]}"; do last[$key]=${seen[$key]}; done
}
members() {
  group=()
  local n pid master
  for n in 1 2; do
    pid=$(cat "$RUN/instance$n.pid" 2>/dev/null) && [ -n "$pid" ] && group[$pid]=instance$n
  done
  master=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)
  if [ -n "$master" ]; then
    group[$master]=postgres
    for pid in $(pgrep -P "$master"); do group[$pid]=postgres; done
  fi
  master=$(cat "$RUN/nginx/nginx.pid" 2>/dev/null)
  if [ -n "$master" ]; then
    group[$master]=nginx
    for pid in $(pgrep -P "$master"); do group[$pid]=nginx; done
  fi
}
# Busy: user, nice, system, irq, softirq, steal; idle: idle and iowait.
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }

members
sample
read -r busy0 idle0 < <(machine)
printf 'time\tinstance1 ms\tinstance2 ms\tpostgres ms\tnginx ms\tmachine busy ms\tidle %%\n' >"$OUT"
while kill -0 "$PARENT" 2>/dev/null && sleep 1; do
  members
  sample
  read -r busy idle < <(machine)
  line=$(date -u +%H:%M:%S)
  for g in instance1 instance2 postgres nginx; do line+=$'\t'$((${used[$g]:-0} * 1000 / HZ)); done
  line+=$'\t'$(((busy - busy0) * 1000 / HZ))$'\t'$(((idle - idle0) * 100 / (busy - busy0 + idle - idle0 + 1)))
  busy0=$busy idle0=$idle
  printf '%s\n' "$line" >>"$OUT"
done
