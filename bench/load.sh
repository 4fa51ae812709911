#!/usr/bin/env bash
# The decision server under load (issue 21): `rochdale serve` built for
# release, then `oha` at 64 connections for 30 s each on a price and on an
# eligibility decision of rulebooks/rochdale-1844.coop, all on 127.0.0.1.
# Prints requests/s, p50, p99, and the server's resident memory (from
# /proc) before, between and after. Printed, not asserted; not run in CI.
#
#     bash bench/load.sh              # 30 s a decision
#     bash bench/load.sh 5s           # a shorter run
#     ROCHDALE=path/to/rochdale bash bench/load.sh   # a binary built already
#
# Installs oha (pinned) with `cargo install --locked` if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30s}
oha_version=1.16.0
connections=64

if [ "$(oha --version 2>/dev/null | cut -d' ' -f2)" != "$oha_version" ]; then
  # native-tls (Debian's libssl-dev) rather than rustls: quicker to build, and
  # the load is plain HTTP on loopback anyway.
  cargo install --locked oha --version "$oha_version" --no-default-features --features native-tls
fi
if [ -z "${ROCHDALE:-}" ]; then
  cargo build --release --quiet
fi
rochdale=${ROCHDALE:-target/release/rochdale}

out=$(mktemp)
"$rochdale" serve --rulebooks rulebooks --addr 127.0.0.1:0 >"$out" 2>/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$out" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "the server did not start" >&2; exit 2; }

rss() { awk '/^VmRSS/ { print $2 " kB" }' "/proc/$server/status"; }
load() { # NAME BODY
  echo "--- $1 ($duration at $connections connections)"
  oha --no-tui -z "$duration" -c "$connections" -m POST -T application/json -d "$2" \
    --output-format json "$url/rulebooks/rochdale-1844/evaluate" >"$out.json"
  python3 - "$out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
print(f"requests/s {s['requestsPerSec']:,.0f}   p50 {p['p50'] * 1000:.3f} ms   "
      f"p99 {p['p99'] * 1000:.3f} ms   success {s['successRate'] * 100:.2f}%   status {codes}")
PY
  echo "RSS after: $(rss)"
}

# One request of each first, so the figures start warm.
curl -s -o /dev/null -X POST -d '{"rule":"price","args":["£1.15"]}' "$url/rulebooks/rochdale-1844/evaluate" || true
echo "RSS before: $(rss)"
load "price(£1.15)" '{"rule":"price","args":["£1.15"]}'
load "eligible(ada)" '{"rule":"eligible","args":["ada"],"members":[{"name":"ada","age":30,"shares":"£5.00"}]}'
load "price(£1.15), again (memory growth)" '{"rule":"price","args":["£1.15"]}'
