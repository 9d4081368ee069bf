#!/bin/sh
# Start the Debian PostgreSQL server and create the test database for tests/test_store.py.
#
# Run as root on a Debian machine where the `postgresql` package has just been installed by apt
# (works with or without systemd). Idempotent: running it again on a live server changes nothing.
# Prints nothing on success; afterwards this URL works:
#     postgresql+psycopg://cwd:cwd@127.0.0.1:5432/cwd_test
# (pass it to the tests as CWD_TEST_DATABASE_URL, with CWD_REQUIRE_POSTGRES=1).
set -eu

PORT=5432
ROLE=cwd
PASSWORD=cwd
DATABASE=cwd_test

fail() { echo "postgres.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root"
command -v pg_lsclusters >/dev/null 2>&1 || fail "postgresql-common is missing (apt-get install postgresql)"
VERSION=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$VERSION" ] || fail "no PostgreSQL server under /usr/lib/postgresql"

# psql as postgres from a directory it can read (avoids "could not change directory" noise).
cd /
as_postgres() { runuser -u postgres -- "$@"; }

# apt normally creates the "main" cluster; create it when the image disabled that.
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
    pg_createcluster --port "$PORT" "$VERSION" main >/dev/null
fi
CLUSTER_PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $3 }')
[ "$CLUSTER_PORT" = "$PORT" ] || fail "cluster $VERSION/main listens on port $CLUSTER_PORT, expected $PORT"

# The socket directory lives on /run, which a container restart may have emptied.
install -d -m 2775 -o postgres -g postgres /var/run/postgresql

# status: 0 running, 3 stopped (anything else: let start report the problem).
if ! pg_ctlcluster "$VERSION" main status >/dev/null 2>&1; then
    pg_ctlcluster "$VERSION" main start >/dev/null
fi

# Wait until the server accepts TCP connections (start returns once the postmaster is up,
# but be robust against slow disks).
tries=0
until pg_isready -q -h 127.0.0.1 -p "$PORT"; do
    tries=$((tries + 1))
    [ "$tries" -le 60 ] || fail "server on 127.0.0.1:$PORT did not become ready"
    sleep 0.5
done

as_postgres psql -q -X -v ON_ERROR_STOP=1 -p "$PORT" -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL

# UTF8 whatever the cluster locale is (a C/POSIX cluster would default to SQL_ASCII).
if ! as_postgres psql -X -tA -p "$PORT" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
    as_postgres createdb -p "$PORT" -O "$ROLE" -E UTF8 --locale=C.UTF-8 -T template0 "$DATABASE"
fi

# Prove the URL's credentials work over TCP (password authentication, as the tests use it).
PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" -c "SELECT 1" >/dev/null \
    || fail "cannot log in as $ROLE to $DATABASE on 127.0.0.1:$PORT"
