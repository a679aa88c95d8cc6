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
# which case a lab must already be listening on the lab's ports (config/lab.yaml).
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

. "$root/bench/lib.sh"
start_lab "$out"

service=+18005550100
# Concurrent calls bounded by what the hold keeps open; one socket per call over UDP at most.
chain() { run_sipp "$out/$1" 127.0.0.1:5060 "$2" -l $((rate * (hold / 1000 + 5))) -set hold "$hold" -max_socket 1000; }
if [ "$warmup" -gt 0 ]; then
  echo "bench: warm-up, $((rate * warmup)) calls at $rate/s (not counted)"
  chain warmup $((rate * warmup))
fi
calls=$((rate * seconds))
echo "bench: $calls calls at $rate/s, hold ${hold}ms, through 127.0.0.1:5060 -> +18005550100"
chain measured "$calls"
report "$out/measured" "$hold" "ring=INVITE -> 180" "answer=INVITE -> 200"
