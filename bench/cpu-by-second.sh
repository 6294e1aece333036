#!/usr/bin/env bash
# CPU by second of each part of the load suite's machine, to read a phase's slow seconds against (bench/load.sh starts
# it; bench/README.md, "The start's slow reads"). One line about every second in OUT: the UTC time, then milliseconds
# of CPU used since the line before by each PartnerDesk instance (RUN/instance<n>.pid), by PostgreSQL (the postmaster
# and its backends), by nginx, and by the whole machine (/proc/stat), and the machine's idle share.
#
#   bench/cpu-by-second.sh RUN_DIR PG_DATA OUT      (runs until killed)
set -u
RUN=$1 PG_DATA=$2 OUT=$3
HZ=$(getconf CLK_TCK)
declare -A last
# One awk for all the processes of a sample (a fork per backend would cost the machine what it measures). The command
# name in /proc/<pid>/stat may hold spaces, so the fields are counted after its closing parenthesis.
ticks() { [ $# -gt 0 ] && awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $12 + $13 }' $(printf '/proc/%s/stat ' "$@") 2>/dev/null; }
declare -A group
# Milliseconds each group used since the last sample, in used[group]; a process seen first counts all it used (it began
# within the second).
declare -A used
sample() {
  local pid now
  used=()
  while read -r pid now; do
    used[${group[$pid]}]=$((${used[${group[$pid]}]:-0} + now - ${last[$pid]:-0}))
    last[$pid]=$now
  done < <(ticks "${!group[@]}")
}
machine() { awk '/^cpu /{print $2 + $3 + $4 + $6 + $7 + $8, $5}' /proc/stat; }
members() {
  group=()
  local n pid postmaster
  for n in 1 2; do
    pid=$(cat "$RUN/instance$n.pid" 2>/dev/null) && [ -n "$pid" ] && group[$pid]=instance$n
  done
  postmaster=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)
  if [ -n "$postmaster" ]; then
    group[$postmaster]=postgres
    for pid in $(pgrep -P "$postmaster"); do group[$pid]=postgres; done
  fi
  for pid in $(pgrep -x nginx); do group[$pid]=nginx; done
}

members
sample
read -r busy0 idle0 < <(machine)
printf 'time\tinstance1 ms\tinstance2 ms\tpostgres ms\tnginx ms\tmachine busy ms\tidle %%\n' >"$OUT"
while sleep 1; do
  members
  sample
  read -r busy idle < <(machine)
  line=$(date -u +%H:%M:%S)
  for g in instance1 instance2 postgres nginx; do line+=$'\t'$((${used[$g]:-0} * 1000 / HZ)); done
  line+=$'\t'$(((busy - busy0) * 1000 / HZ))$'\t'$(((idle - idle0) * 100 / (busy - busy0 + idle - idle0 + 1)))
  busy0=$busy idle0=$idle
  printf '%s\n' "$line" >>"$OUT"
done
