#!/usr/bin/env bash
# Pushes calls through the lab's whole chain (caller -> SBC-edge -> redirect -> proxy -> SBC-dest
# -> destination server) with SIPp at a fixed rate for a bounded time, then prints calls per second
# achieved, failed calls, and setup time p50/p99: INVITE -> 180 ("ring": the signalling path through
# every element) and INVITE -> 200 ("answer": adds the call center's own 100 ms before answering).
#
#   bench/sipp-chain.sh [--rate 50] [--seconds 30] [--hold-ms 1000] [--warmup-seconds 5] [--no-lab]
#
# A warm-up run at the same rate comes first and is not counted (the JIT compiles the hot paths).
#
# It starts its own lab (bin/baton lab, fresh data under bench/out) unless --no-lab is given, in
# which case a lab must already be listening on the DESIGN §3 ports.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=50 seconds=30 hold=1000 warmup=5 start_lab=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --hold-ms) hold="$2"; shift 2 ;;
    --warmup-seconds) warmup="$2"; shift 2 ;;
    --no-lab) start_lab=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v sipp >/dev/null || { echo "sipp not found: apt-get install sip-tester" >&2; exit 1; }
out="$root/bench/out/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
scenario="$root/bench/sipp/uac-bench.xml"

lab_pid=""
cleanup() { [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null && wait "$lab_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ "$start_lab" = 1 ]; then
  sed "s#jdbc:h2:file:./data/baton#jdbc:h2:file:$out/db#" "$root/config/lab.yaml" > "$out/lab.yaml"
  "$root/bin/baton" lab --config "$out/lab.yaml" --quiet > "$out/lab.log" 2>&1 &
  lab_pid=$!
  for _ in $(seq 1 120); do
    curl -sf http://127.0.0.1:8080/health >/dev/null 2>&1 && break
    kill -0 "$lab_pid" 2>/dev/null || { echo "lab failed to start, see $out/lab.log" >&2; exit 1; }
    sleep 1
  done
fi

# run_sipp NAME CALLS: one bounded SIPp run at $rate, results under $out/NAME.
run_sipp() {
  mkdir -p "$out/$1"
  (cd "$out/$1" && sipp 127.0.0.1:5060 -sf "$scenario" -s +18005550100 -i 127.0.0.1 -p 5999 \
    -r "$rate" -m "$2" -l $((rate * (hold / 1000 + 5))) -set hold "$hold" \
    -timeout $(( $2 / rate + hold / 1000 + 60 ))s -timeout_error -max_socket 1000 \
    -trace_stat -stf stats.csv -fd 1 -trace_rtt -rtt_freq 1 -nostdin >/dev/null 2>sipp.err) || true
}
if [ "$warmup" -gt 0 ]; then
  echo "bench: warm-up, $((rate * warmup)) calls at $rate/s (not counted)"
  run_sipp warmup $((rate * warmup))
fi
calls=$((rate * seconds))
echo "bench: $calls calls at $rate/s, hold ${hold}ms, through 127.0.0.1:5060 -> +18005550100"
run_sipp measured "$calls"
python3 - "$out/measured" "$hold" <<'PY'
import csv, glob, sys, statistics
out, hold_s = sys.argv[1], int(sys.argv[2]) / 1000
rows = list(csv.reader(open(f"{out}/stats.csv"), delimiter=';'))
head, last = rows[0], rows[-1]
col = lambda name: last[head.index(name)]
ok, failed = int(col("SuccessfulCall(C)")), int(col("FailedCall(C)"))
elapsed = col("ElapsedTime(C)")
h, m, s = elapsed.split(":")[:3]
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
for rtd, label in (("ring", "INVITE -> 180 "), ("answer", "INVITE -> 200 ")):
    v = times.get(rtd, [])
    print(f"{label} : p50 {pct(v, .50):.1f} ms, p99 {pct(v, .99):.1f} ms ({len(v)} calls)")
print(f"(raw results in {out})")
PY
