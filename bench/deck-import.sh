#!/usr/bin/env bash
# Times importing a generated 1,000,000-row rate deck (CSV) into one carrier, on the embedded H2
# (a file under bench/jmh/target) and, when it answers, on PostgreSQL at 127.0.0.1:5432/test
# (in a schema of its own, dropped afterwards); then reading the whole deck into the route index.
#   bench/deck-import.sh [ROWS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
(cd "$root" && mvn -B -q -DskipTests -pl bench/jmh -am package) >&2
target="$root/bench/jmh/target"
run() { "$JAVA_HOME/bin/java" -Xmx2g -cp "$target/classes:$target/lib/*" io.baton.bench.DeckImportBench "$@"; }

echo "== H2 (embedded file database)"
rm -rf "$target/bench-h2"
run "jdbc:h2:file:$target/bench-h2/baton" "" "$rows"

schema="baton_bench_$$"
if psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema" 2>/dev/null; then
  echo "== PostgreSQL 127.0.0.1:5432/test"
  trap 'psql -h 127.0.0.1 -U postgres -d test -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"' EXIT
  run "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" postgres "$rows"
else
  echo "== PostgreSQL not reachable at 127.0.0.1:5432 (psql as postgres): skipped"
fi
