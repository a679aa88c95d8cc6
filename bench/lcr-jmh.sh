#!/usr/bin/env bash
# JMH: one least-cost route lookup over a 1,000,000-row rate deck (five carriers), sample mode,
# so the output has percentiles: read the p0.99 line. Not part of `mvn verify` (which only
# compiles the benchmarks). Extra arguments go to JMH, e.g. -p rows=100000 or -f 2.
#   bench/lcr-jmh.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
(cd "$root" && mvn -B -q -DskipTests -pl bench/jmh -am package) >&2
target="$root/bench/jmh/target"
exec "$JAVA_HOME/bin/java" -cp "$target/classes:$target/lib/*" org.openjdk.jmh.Main \
  LcrLookupBenchmark -rf text -rff "$target/lcr-jmh.txt" "$@"
