#!/usr/bin/env bash
# Fuzzes every target for SECONDS each (default 30): `fuzz/run.sh 1800`.
# Any crash stops the run with a non-zero status; the input that crashed is
# in fuzz/artifacts/TARGET/ (make it a regression test in tests/fuzz_regressions.rs).
# Needs cargo-fuzz; uses the nightly toolchain when there is one, otherwise
# the stable one with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs nightly flags).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse check example simulate_json)
if rustup run nightly rustc --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
./seed.sh >/dev/null
for target in "${targets[@]}"; do
  echo "fuzzing $target for ${seconds}s"
  log="artifacts/$target.log"
  mkdir -p artifacts
  if ! "${fuzz[@]}" run "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$log" || true
done
