#!/bin/sh
# `make demo`: every program of the suite on the example data shipped with seisfoc, in a
# new folder (never one that exists: nothing of the user's is touched).
#   1. PINV on the example database (seisfoc demo: solutions, grades, beachballs)
#   2. seisfoc fps (clustered polarity solutions) and seisfoc compare (fps vs PINV)
#   3. the drop-ins pinv, invrad, invdc, synrad as SEISAN runs them, in a work folder
#   4. seisfoc cmt demo (the global CMT loop on a synthetic event, instaseis engine)
set -eu
PYTHON=${PYTHON:-python3}
OUT=${DEMO_OUT:-demo-output/$(date -u +%Y%m%dT%H%M%S)}
if [ -e "$OUT" ]; then
    echo "demo: $OUT exists; choose another DEMO_OUT" >&2
    exit 1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BIN=$(dirname "$PYTHON")
DATA=$("$PYTHON" -c "import seisfoc, pathlib; print(pathlib.Path(seisfoc.__file__).parent / 'data')")
EXAMPLE=$DATA/example
section() { printf '\n=== %s ===\n' "$1"; }

section "1. PINV on the example database (seisfoc demo)"
"$PYTHON" -m seisfoc demo --out "$OUT/pinv"

section "2. seisfoc fps: clustered, graded polarity solutions"
mkdir -p "$OUT/fps"
"$PYTHON" -m seisfoc fps "$EXAMPLE/REA/EXAMP" --no-progress --plot "$OUT/fps/{name}.png"
section "   seisfoc compare: fps against PINV on the same readings"
"$PYTHON" -m seisfoc compare "$EXAMPLE/REA/EXAMP" --a fps --b pinv --no-progress \
    --plot "$OUT/fps/compare.png" || [ $? -eq 3 ]

section "3. the drop-ins as SEISAN runs them"
mkdir -p "$OUT/dropins"
first=$(find "$EXAMPLE/REA/EXAMP" -name '*.S*' | sort | head -n 1)
cp "$first" "$OUT/dropins/hyp.out"
cp "$DATA/amplitude/invrad.inp" "$DATA/amplitude/invrad.mod" "$OUT/dropins/"
(
    cd "$OUT/dropins"
    echo "--- pinv (hyp.out = $(basename "$first"))"
    "$BIN/pinv"
    echo "--- invrad (Ebel's example model, true 125/55/-70, M0 500e16 dyne-cm)"
    "$BIN/invrad" && grep -A3 "STRIKE=" invrad.out | head -n 4
    echo "--- invdc from 100/40/-40"
    "$BIN/invdc" --strike 100 --dip 40 --rake -40 --step 1 | tail -n 4
    echo "--- synrad of the truth"
    "$BIN/synrad" --strike 125 --dip 55 --rake -70 --moment 500 | tail -n 6
)

section "4. seisfoc cmt demo: refining a global CMT (instaseis PREM engine)"
"$PYTHON" -m seisfoc cmt demo --out "$OUT/cmt"

printf '\nEverything is under %s\n' "$OUT"
