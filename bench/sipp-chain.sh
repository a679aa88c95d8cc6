#!/usr/bin/env bash
# Pushes calls through the lab's whole chain (caller -> SBC-edge -> redirect -> proxy -> SBC-dest
# -> destination server) with SIPp at a fixed rate for a bounded time, then prints calls per second
# achieved, failed calls and call-setup time (INVITE sent -> 200 received) p50/p99.
#
#   bench/sipp-chain.sh [--rate 50] [--seconds 30] [--hold-ms 1000] [--no-lab]
#
# It starts its own lab (bin/baton lab, fresh data under bench/out) unless --no-lab is given, in
# which case a lab must already be listening on the DESIGN §3 ports.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=50 seconds=30 hold=1000 start_lab=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --hold-ms) hold="$2"; shift 2 ;;
    --no-lab) start_lab=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v sipp >/dev/null || { echo "sipp not found: apt-get install sip-tester" >&2; exit 1; }
out="$root/bench/out/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
scenario="$root/baton-testkit/src/main/resources/sipp/uac-call-expect-200.xml"

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

calls=$((rate * seconds))
echo "bench: $calls calls at $rate/s, hold ${hold}ms, through 127.0.0.1:5060 -> +18005550100"
cd "$out"
set +e
sipp 127.0.0.1:5060 -sf "$scenario" -s +18005550100 -i 127.0.0.1 -p 5999 \
  -r "$rate" -m "$calls" -l $((rate * (hold / 1000 + 5))) -key hold "$hold" \
  -timeout $((seconds + 60))s -timeout_error -max_socket 1000 \
  -trace_stat -stf stats.csv -fd 1 -trace_rtt -rtt_freq 1 -nostdin -bg >/dev/null 2>sipp.err
sleep 1
pid=$(pgrep -n -f "sipp 127.0.0.1:5060") || true
while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; done
set -e
python3 - "$out" "$seconds" <<'PY'
import csv, glob, sys, statistics
out, seconds = sys.argv[1], int(sys.argv[2])
rows = list(csv.reader(open(f"{out}/stats.csv"), delimiter=';'))
head, last = rows[0], rows[-1]
col = lambda name: last[head.index(name)]
ok, failed = int(col("SuccessfulCall(C)")), int(col("FailedCall(C)"))
elapsed = col("ElapsedTime(C)")
h, m, s = elapsed.split(":")
secs = int(h) * 3600 + int(m) * 60 + float(s.split(":")[0])
times = []
for f in glob.glob(f"{out}/*_rtt.csv"):
    for r in csv.reader(open(f), delimiter=';'):
        if r and r[0][0].isdigit():
            times.append(float(r[1]))
times.sort()
pct = lambda p: times[min(len(times) - 1, int(p * len(times)))] if times else float("nan")
print(f"calls completed : {ok}")
print(f"calls failed    : {failed}")
print(f"calls per second: {ok / secs:.1f} (over {secs:.1f}s)")
print(f"setup time p50  : {pct(0.50):.1f} ms")
print(f"setup time p99  : {pct(0.99):.1f} ms")
print(f"(raw results in {out})")
PY
