# Shared by the SIPp benchmarks: option parsing helpers, a lab of their own, and the report.
# Sourced, never run. Expects $root (the repository) to be set.

# start_lab OUT: starts bin/baton lab with fresh data under OUT and waits for its API; stopped on
# exit. A no-op when $start_lab is 0 (a lab must then already listen on the lab's ports (config/lab.yaml)).
lab_pid=""
stop_lab() { [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null && wait "$lab_pid" 2>/dev/null || true; }
start_lab() {
  [ "${start_lab:-1}" = 1 ] || return 0
  trap stop_lab EXIT
  sed "s#jdbc:h2:file:./data/baton#jdbc:h2:file:$1/db#" "$root/config/lab.yaml" > "$1/lab.yaml"
  "$root/bin/baton" lab --config "$1/lab.yaml" --quiet > "$1/lab.log" 2>&1 &
  lab_pid=$!
  for _ in $(seq 1 120); do
    curl -sf http://127.0.0.1:8080/health >/dev/null 2>&1 && return 0
    kill -0 "$lab_pid" 2>/dev/null || { echo "lab failed to start, see $1/lab.log" >&2; exit 1; }
    sleep 1
  done
  echo "lab did not answer on :8080 within 120 s, see $1/lab.log" >&2
  exit 1
}

# run_sipp DIR TARGET CALLS [SIPP OPTION...]: one bounded SIPp run of $scenario at $rate calls/s
# for the number $service, timed and traced under DIR. Failures are counted in the report.
run_sipp() {
  local dir="$1" target="$2" calls="$3"
  shift 3
  mkdir -p "$dir"
  (cd "$dir" && sipp "$target" -sf "$scenario" -s "$service" -i 127.0.0.1 -p 5999 \
    -r "$rate" -m "$calls" -timeout $(( calls / rate + 60 ))s -timeout_error \
    -trace_stat -stf stats.csv -fd 1 -trace_rtt -rtt_freq 1 -nostdin "$@" >/dev/null 2>sipp.err) \
    || true
}

# report DIR HOLD_MS RTD=LABEL...: calls completed and failed, the rate achieved and p50/p99 of
# each timed interval (SIPp's -trace_stat and -trace_rtt files under DIR).
report() {
  python3 - "$@" <<'PY'
import csv, glob, sys
out, hold_s, rtds = sys.argv[1], int(sys.argv[2]) / 1000, [a.split("=", 1) for a in sys.argv[3:]]
rows = list(csv.reader(open(f"{out}/stats.csv"), delimiter=';'))
head, last = rows[0], rows[-1]
col = lambda name: last[head.index(name)]
ok, failed = int(col("SuccessfulCall(C)")), int(col("FailedCall(C)"))
h, m, s = col("ElapsedTime(C)").split(":")[:3]
secs = int(h) * 3600 + int(m) * 60 + float(s)
times = {}
for f in glob.glob(f"{out}/*_rtt.csv"):
    for r in csv.reader(open(f), delimiter=';'):
        if r and r[0][:1].isdigit():
            times.setdefault(r[2], []).append(float(r[1]))
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")
print(f"calls completed : {ok}")
print(f"calls failed    : {failed}")
# The last calls end a hold after they start: the rate is over the time calls were being placed.
placing = max(secs - hold_s, 1e-9)
print(f"calls per second: {ok / placing:.1f} completed ({ok} in {placing:.1f}s of placing calls)")
for rtd, label in rtds:
    v = times.get(rtd, [])
    print(f"{label:<15}: p50 {pct(v, .50):.1f} ms, p99 {pct(v, .99):.1f} ms ({len(v)} calls)")
print(f"(raw results in {out})")
PY
}
