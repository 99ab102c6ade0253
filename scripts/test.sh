#!/usr/bin/env bash
# `npm test`: every test, on SQLite and PostgreSQL, the crash and fault suite, and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

ensure_postgres
ensure_chromium
echo "PostgreSQL for tests: $TEST_DATABASE_URL"

npm run check
npx vitest run
npm run test:faults
npm run test:e2e
