#!/usr/bin/env bash
# Builds the seed corpora under fuzz/corpus/ from the rulebooks and the test
# inputs of the repository. Safe to rerun: seeds are added, found inputs kept.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in parse check example; do
  mkdir -p "fuzz/corpus/$target"
  for f in rulebooks/*.coop tests/diagnostics/*.coop tests/rulebooks/*.coop tests/diff/*.coop tests/fuzz/*.coop; do
    [ -f "$f" ] && cp "$f" "fuzz/corpus/$target/seed-$(basename "$f")"
  done
done
# simulate_json: the first byte picks the rulebook (0: rochdale-1844,
# 1: thin-layer-network, 2: worker-cooperative-spain; +128 for a summary).
mkdir -p fuzz/corpus/simulate_json
n=0
for f in tests/scenarios/*.json tests/diff/*.json; do
  [ -f "$f" ] || continue
  for choice in '\000' '\001' '\202'; do
    { printf "$choice"; cat "$f"; } > "fuzz/corpus/simulate_json/seed-$n"
    n=$((n + 1))
  done
done
echo "seeded: $(ls fuzz/corpus/parse | wc -l) rulebooks, $(ls fuzz/corpus/simulate_json | wc -l) scenarios"
