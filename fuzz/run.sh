#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS — coverage-guided fuzzing of one parser with AFL++ and SharpFuzz, for SECONDS.
# Builds fuzz/Rnn.Fuzz, instruments copies of Rnn.Runtime, Rnn.Training and Rnn.Workloads (SharpFuzz.CommandLine, a local
# dotnet tool), and runs afl-fuzz under nice 19 on fuzz/corpus/TARGET with the target's dictionary. Findings go to
# fuzz/findings/TARGET/<time>/default/{crashes,hangs}; reproduce one with
#   dotnet fuzz/out/build/rnn-fuzz.dll TARGET --replay FILE     (the uninstrumented build: the instrumented
#   assemblies need AFL's coverage memory)
# Environment: RNN_FUZZ_TIMEOUT_MS (default 5000), RNN_FUZZ_RESUME=1 continues the latest run of TARGET.
# Needs afl-fuzz (Debian: apt-get install afl++). `fuzz/run.sh list` lists the targets.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
build=$out/build
inst=$out/instrumented

if [[ $# -lt 1 || ( $1 != list && $# -lt 2 ) ]]; then
  echo "usage: fuzz/run.sh TARGET SECONDS | fuzz/run.sh list" >&2
  exit 2
fi
target=$1
seconds=${2:-0}

# Build and instrument once per source change (the stamp is newer than every source file otherwise).
stamp=$inst/.stamp
if [[ ! -f $stamp ]] || [[ -n $(find "$here/../src" "$here/Rnn.Fuzz" "$here/../Directory.Packages.props" -newer "$stamp" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -not -path '*/obj/*' -not -path '*/bin/*' -print -quit) ]]; then
  echo "building and instrumenting the harness..." >&2
  dotnet build "$here/Rnn.Fuzz" -c Release -o "$build" -v q -nologo >&2
  rm -rf "$inst" && cp -r "$build" "$inst"
  (cd "$here" && dotnet tool restore >/dev/null && \
    for dll in Rnn.Runtime.dll Rnn.Training.dll Rnn.Workloads.dll; do dotnet sharpfuzz "$inst/$dll" >/dev/null; done)
  touch "$stamp"
fi

if [[ $target == list ]]; then
  dotnet "$build/rnn-fuzz.dll" 2>&1 | tail -n +2 || true
  exit 0
fi
[[ -d $here/corpus/$target ]] || { echo "no corpus for target '$target' (fuzz/run.sh list)" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }

dicts=()
case $target in
  safetensors) dicts=(safetensors) ;;
  npy) dicts=(npy) ;;
  checkpoint) dicts=(safetensors checkpoint) ;;
  checkpoint-meta) dicts=(checkpoint) ;;
  imdb-jsonl|imdb-archive) dicts=(imdb) ;;
  word-index) dicts=(word-index) ;;
  onnx) dicts=(onnx) ;;
esac
dict_args=()
for d in "${dicts[@]}"; do dict_args+=(-x "$here/dict/$d.dict"); done

runs=$here/findings/$target
if [[ ${RNN_FUZZ_RESUME:-0} == 1 && -d $runs ]]; then
  findings=$runs/$(ls "$runs" | sort | tail -1)
  input=(-i -)
else
  findings=$runs/$(date -u +%Y%m%dT%H%M%SZ)
  input=(-i "$here/corpus/$target")
fi
mkdir -p "$findings"

# -m none: the .NET runtime reserves far more address space than it uses; memory is bounded instead by the GC's
# hard limit here and by the harness's own checks (fuzz/README.md). The process stays alive across inputs
# (SharpFuzz's persistent loop); the timeout covers a hang.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_AUTORESUME=1 AFL_SHUFFLE_QUEUE=0
export DOTNET_GCHeapHardLimit=0x60000000 DOTNET_TieredPGO=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
nice -n 19 afl-fuzz "${input[@]}" -o "$findings" "${dict_args[@]}" -t "${RNN_FUZZ_TIMEOUT_MS:-5000}" -m none -V "$seconds" \
  -- dotnet "$inst/rnn-fuzz.dll" "$target" >"$findings/afl.log" 2>&1 || { tail -30 "$findings/afl.log" >&2; exit 1; }

stats=$findings/default/fuzzer_stats
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
awk -v t="$target" -v c="$crashes" -v h="$hangs" -F' *: *' '
  $1 == "execs_done" { e = $2 } $1 == "execs_per_sec" { s = $2 } $1 == "run_time" { r = $2 }
  $1 == "corpus_count" { q = $2 } $1 == "bitmap_cvg" { b = $2 }
  END { printf "%s: %s executions in %s s (%s/s), corpus %s, coverage %s, crashes %d, hangs %d\n", t, e, r, s, q, b, c, h }' "$stats"
echo "findings: $findings" >&2
[[ $crashes -eq 0 && $hangs -eq 0 ]]
