#!/usr/bin/env bash
# Before merging a change on the create path: fails (exit 1) when a create allocates or spends more than 20 % more than
# the figures recorded in bench/README.md (the in-process probe, SQLite, a small seed; about 3 minutes).
# After a change meant to move the figures, record them: bench/gate.sh --gate-record true
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/run.sh --databases sqlite --tickets 20000 --customers 200 --only create-probe --probe-warmup 3000 --probe-creates 3000 --gate bench/README.md "$@"
