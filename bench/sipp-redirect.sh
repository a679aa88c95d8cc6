#!/usr/bin/env bash
# Redirect-server throughput: SIPp asks the lab's redirect server (127.0.0.1:5070) where a DID goes,
# as SBC-edge does for every new call, at a fixed rate for a bounded time, then prints 302s per
# second, failures and INVITE -> 302 p50/p99.
#
#   bench/sipp-redirect.sh [--rate 500] [--seconds 30] [--warmup-seconds 5] [--number +18005550100]
#                          [--no-lab]
#
# Rates are per second; a warm-up at the same rate comes first and is not counted. It starts its own
# lab (bin/baton lab, fresh data under bench/out) unless --no-lab is given.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=500 seconds=30 warmup=5 start_lab=1 service=+18005550100
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup-seconds) warmup="$2"; shift 2 ;;
    --number) service="$2"; shift 2 ;;
    --no-lab) start_lab=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v sipp >/dev/null || { echo "sipp not found: apt-get install sip-tester" >&2; exit 1; }
out="$root/bench/out/redirect-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
scenario="$root/bench/sipp/uac-redirect.xml"

. "$root/bench/lib.sh"
start_lab "$out"

# A redirect transaction lasts one round trip; SIPp's default limit on open calls would cap the rate.
redirect() { run_sipp "$out/$1" 127.0.0.1:5070 "$2" -l $((rate * 2)); }
if [ "$warmup" -gt 0 ]; then
  echo "bench: warm-up, $((rate * warmup)) redirects at $rate/s (not counted)"
  redirect warmup $((rate * warmup))
fi
calls=$((rate * seconds))
echo "bench: $calls INVITEs at $rate/s to the redirect server 127.0.0.1:5070 for $service"
redirect measured "$calls"
report "$out/measured" 0 "redirect=INVITE -> 302"
