#!/usr/bin/env bash
# Regenerates the call center's prompts (src/main/resources/prompts/*.ul): speech from espeak-ng,
# resampled by sox to raw G.711 µ-law, 8 kHz mono (RFC 3551 PCMU), normalised to -3 dBFS with
# 300 ms of silence after each. The files are committed, so builds and the lab need neither tool;
# run this (apt-get install -y espeak-ng sox) only to change a prompt's words.
set -euo pipefail
cd "$(dirname "$0")/../resources/prompts"

prompt() { # name text...
  local name=$1; shift
  local wav
  wav=$(mktemp --suffix=.wav)
  espeak-ng -v en-us -s 155 -w "$wav" "$*"
  sox "$wav" -r 8000 -c 1 -t ul "$name.ul" gain -n -3 pad 0 0.3
  rm -f "$wav"
}

prompt menu "Thank you for calling ACME. For sales, press 1. For support, press 2." \
  "To speak to an agent, press 0."
prompt transferring "Please hold while we transfer your call."
prompt hold "All our agents are busy. Please stay on the line."
prompt goodbye "Thank you for calling. Goodbye."
prompt agent "Hello, this is your agent speaking. How can I help you today?"
