# Sourced by .ci/run (and usable by hand: `source .ci/postgres.sh`): makes
# sure a PostgreSQL server runs for the tests of runtime/store and exports
# CHARTER_TEST_POSTGRES, its connection string. It installs Debian's
# postgresql package when no server is installed (CI runs as root on a
# fresh clone), and starts a cluster of its own in a fixed directory under
# /tmp, owned by the postgres user, reusing it when it already runs.
# Idempotent: a second run finds the server up and only exports.
if [ -n "${CHARTER_TEST_POSTGRES:-}" ]; then
  echo "using CHARTER_TEST_POSTGRES from the environment"
  return 0 2>/dev/null || exit 0
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# The client package alone (psql, as some machines have) fills the same
# directory without a server: look for initdb, not for the directory.
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "installing postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ ! -x "$pg_bin/initdb" ]; then
    echo "postgresql installed, but no initdb in $pg_bin" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
pg_port=${CHARTER_PG_PORT:-54329}
pg_dir=${CHARTER_PG_DIR:-/tmp/charter-ci-postgres}
pg_run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
  if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$pg_dir"; fi
    pg_run "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  pg_run "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
fi
pg_exists=$(pg_run "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'charter_test'")
if [ "$pg_exists" != 1 ]; then
  pg_run "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres charter_test
fi
export CHARTER_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/charter_test?sslmode=disable"
echo "PostgreSQL at $CHARTER_TEST_POSTGRES"
