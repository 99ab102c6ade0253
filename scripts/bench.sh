#!/usr/bin/env bash
# `npm run bench [-- name-filter --flags]`: every benchmark in bench/, with PostgreSQL from Debian started
# first (as for the tests), so that a fresh clone measures both databases with nothing set up by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

ensure_postgres
export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-$TEST_DATABASE_URL}"
exec npx tsx bench/run.ts "$@"
