#!/usr/bin/env bash
# Makes sure the services the tests need are installed and running, from Debian's packages.
# Idempotent: safe to run when everything is already there.

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: $*. Install them as root (apt-get install -y $*) and run again." >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return 0; fi
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "Installing PostgreSQL from Debian…"
    apt_install postgresql
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  su postgres -c "psql -qtA -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'paydesk') THEN
    CREATE ROLE paydesk LOGIN PASSWORD 'paydesk' CREATEDB;
  END IF;
END $$;
SELECT 'CREATE DATABASE paydesk OWNER paydesk' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'paydesk')\gexec
SQL
  export TEST_DATABASE_URL=postgres://paydesk:paydesk@127.0.0.1:5432/paydesk
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; then
    echo "Installing Chromium and a CJK font from Debian…"
    apt_install chromium fonts-wqy-microhei
  fi
}
