#!/usr/bin/env bash
# The call-lifetime soak, longer than the one `mvn verify` runs: the lab in one JVM with call
# lifetimes of seconds, flooded at a fixed rate with a mix of normal calls, transfers (make-before-
# break to sales, blind to support), calls whose ACK never comes, callers that vanish after the ACK
# (no RTP, no BYE) and CANCELs racing the answer; then every call, leg, relay and RTP port, timer,
# thread and the heap must return to the idle lab's figures. Prints the calls placed, the transfers
# completed and, per resource, idle / after / leaked, then "leaks found: N".
#
#   bench/soak.sh [--minutes 5] [--rate 10]
#
# MAVEN_ARGS is passed to Maven (e.g. MAVEN_ARGS="-o -Dmaven.repo.local=/tmp/m2"). Results, with
# the whole log, go under bench/out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes=5 rate=10
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/bench/out/$(date +%Y%m%d-%H%M%S)-soak"
mkdir -p "$out"
# shellcheck disable=SC2086 # MAVEN_ARGS holds several arguments
(cd "$root" && mvn -B -q ${MAVEN_ARGS:-} -DskipTests -pl baton-testkit -am install) >&2
echo "soak: ${minutes} min at ${rate} calls/s through 127.0.0.1:5060 (log: $out/soak.log)"
status=0
# shellcheck disable=SC2086
(cd "$root" && mvn -B ${MAVEN_ARGS:-} -pl baton-testkit failsafe:integration-test@soak \
  -Dit.test=CallLifetimeSoakTest -Dsoak.seconds=$((minutes * 60)) -Dsoak.rate="$rate") \
  > "$out/soak.log" 2>&1 || status=$?
grep '^soak:' "$out/soak.log" || true
grep -E 'Tests run:|FAIL' "$out/soak.log" | tail -2
# failsafe:integration-test records a failure without failing the build: read its verdict
if grep -qE 'Tests run: [0-9]+, Failures: [1-9]|Errors: [1-9]|<<< FAIL' "$out/soak.log"; then
  status=1
fi
exit "$status"
