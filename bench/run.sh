#!/usr/bin/env bash
# Rochdale's benchmark in one command, from a fresh clone:
#
#     bash bench/run.sh                    # every size, 1,000 to 10,000,000 members
#     bash bench/run.sh --sizes 1000,10000 # a quick run
#     bash bench/run.sh --markdown docs/performance-tables.md
#
# Installs OpenFisca (openfisca-core and pandas, versions pinned in
# bench/openfisca/requirements.txt) into a virtual environment under
# target/, then runs the benchmark binary with it. Arguments are passed on
# (see `cargo run --release -p rochdale-bench -- --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/openfisca-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import openfisca_core, pandas" 2>/dev/null; then
  echo "installing OpenFisca into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/openfisca/requirements.txt
fi
cargo run --release -p rochdale-bench -- --openfisca "$venv/bin/python" "$@"
