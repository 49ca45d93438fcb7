#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the conformance tests of the SQL producer (and CI, see .ci/run).
# Usage: scripts/postgres.sh [start|stop|status|url]. `start` (the default) installs Debian's
# PostgreSQL when initdb/pg_ctl are missing, creates a cluster in ${AEQUA_PG_DIR:-/tmp/aequa-pg},
# starts it on 127.0.0.1:${AEQUA_PG_PORT:-54329} with trust authentication on loopback only, creates
# the database `aequa` and prints its URL as the last line of stdout. Idempotent: when the cluster
# already runs it only prints the URL. PostgreSQL refuses to run as root, so as root the server runs
# as the `postgres` system user (created if absent) and the directory is chowned to it.
set -euo pipefail

cmd="${1:-start}"
dir="${AEQUA_PG_DIR:-/tmp/aequa-pg}"
port="${AEQUA_PG_PORT:-54329}"
host=127.0.0.1
url="postgres://postgres@${host}:${port}/aequa"
data="${dir}/data"

log() { echo "postgres.sh: $*" >&2; }

# The directory holding initdb/pg_ctl/postgres/psql of one PostgreSQL version (the newest installed).
find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "${d}/initdb" ] && [ -x "${d}/pg_ctl" ]; then
      echo "${d}"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  return 1
}

install_postgres() {
  log "initdb/pg_ctl not found; installing Debian's postgresql"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      log "not root and no sudo: install PostgreSQL (apt-get install postgresql) and retry"
      exit 1
    fi
  fi
  ${sudo} apt-get update >&2
  DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y --no-install-recommends postgresql >&2
}

bindir="$(find_bindir || true)"
if [ -z "${bindir}" ]; then
  if [ "${cmd}" != "start" ]; then
    log "PostgreSQL is not installed"
    [ "${cmd}" = "stop" ] && exit 0
    exit 1
  fi
  install_postgres
  bindir="$(find_bindir)"
fi

# Runs a PostgreSQL program as the cluster owner: the `postgres` user when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

is_running() {
  [ -f "${data}/PG_VERSION" ] && as_owner "${bindir}/pg_ctl" -D "${data}" status >/dev/null 2>&1
}

psql_cmd() {
  local psql="${bindir}/psql"
  [ -x "${psql}" ] || psql="$(command -v psql)"
  "${psql}" -X -q -h "${host}" -p "${port}" -U postgres "$@"
}

start() {
  if is_running; then
    log "already running in ${data}"
    echo "${url}"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    log "creating the postgres system user"
    useradd --system --home-dir "${dir}" --shell /bin/sh postgres
  fi
  mkdir -p "${dir}"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "${dir}"; fi
  chmod 700 "${dir}"
  if [ ! -f "${data}/PG_VERSION" ]; then
    log "creating a cluster in ${data}"
    as_owner "${bindir}/initdb" -D "${data}" -U postgres --auth=trust --encoding=UTF8 --locale=C >"${dir}/initdb.log" 2>&1 || {
      cat "${dir}/initdb.log" >&2
      exit 1
    }
  fi
  log "starting on ${host}:${port}"
  # The socket goes into the cluster directory: /var/run/postgresql may not exist or be writable.
  as_owner "${bindir}/pg_ctl" -D "${data}" -l "${dir}/server.log" -w -t 60 \
    -o "-c listen_addresses=${host} -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off" start >&2 || {
    tail -n 20 "${dir}/server.log" >&2 || true
    exit 1
  }
  local i
  for i in $(seq 1 60); do
    if psql_cmd -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  if [ "$(psql_cmd -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'aequa'")" != "1" ]; then
    psql_cmd -d postgres -c 'CREATE DATABASE aequa' >&2
  fi
  echo "${url}"
}

stop() {
  if is_running; then
    as_owner "${bindir}/pg_ctl" -D "${data}" -m fast -w stop >&2
  else
    log "not running"
  fi
}

case "${cmd}" in
  start) start ;;
  stop) stop ;;
  status) if is_running; then echo "running: ${url}"; else echo "stopped"; exit 3; fi ;;
  url) echo "${url}" ;;
  *)
    log "unknown command \"${cmd}\"; use start, stop, status or url"
    exit 2
    ;;
esac
