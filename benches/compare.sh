#!/usr/bin/env bash
# Builds the same generated troubleshooting site with remedy, Hugo and mdBook, side
# by side on this machine, on the real disk, in the three cases a writer meets:
#
#   clean    a build into an empty folder (the folder is removed before each run)
#   rebuild  a build over the previous output, nothing changed
#   edit     a build over the previous output after one step's text changed
#
# and prints wall time, CPU time (user, system), peak memory, output size, and how
# many output files each case wrote (a file counts as written when its inode or its
# modification time changed, or it is new), with the ratios remedy/Hugo and
# remedy/mdBook.
#
# Usage (from the repository root):
#
#   benches/compare.sh                 # 1,000 and 10,000 steps, all three tools
#   benches/compare.sh 1000 10000      # the same, sizes given
#   TOOLS=remedy benches/compare.sh 100000       # scaling run, remedy alone
#   TOOLS="remedy hugo" RUNS=3 benches/compare.sh 10000
#   TMPFS=1 benches/compare.sh 10000   # output on tmpfs (/dev/shm), to leave the disk out
#
# Settings (environment):
#   TOOLS            which tools to run (default "remedy hugo mdbook")
#   CASES            which cases (default "clean rebuild edit")
#   RUNS             timed runs per tool and case in hyperfine (default 5; 1 warm-up first)
#   MEM_RUNS         runs per tool under /usr/bin/time -v, for peak memory (default 2)
#   STEPS_PER_GUIDE  steps per guide in the corpus (default 20)
#   SEED             the generator's seed (default 42)
#   REMEDY           a remedy binary to measure instead of building target/release/remedy
#   WORK             where corpora, output, logs and results go (default
#                    target/bench: the disk the repository is on)
#   OUT_DIR          where the tools write their output (default $WORK/out)
#   TMPFS            1: OUT_DIR=/dev/shm/remedy-bench (memory, not disk)
#   HUGO_MAX_STEPS   skip Hugo above this many steps (default 20000: at 100,000 steps
#                    Hugo needs more than this machine's 24 GiB)
#   MDBOOK_MAX_STEPS skip mdBook above this many steps (default 2000: mdBook's time
#                    grows with the square of the chapter count, about 15 min at 10,000)
#
# How it measures:
#   - the corpus comes from `cargo run --release --example gen_corpus` (deterministic),
#     written once per size and seed into $WORK/corpus-<steps>/{remedy,hugo,mdbook};
#   - wall and CPU time come from one hyperfine invocation per case holding every
#     tool's command, after one warm-up run each. clean: `--prepare` removes the
#     output folder. rebuild: nothing is prepared. edit: `--prepare` switches one
#     step (the middle one of the corpus) between its text and its text plus one
#     sentence, so every run follows a real one-step edit;
#   - files written: one more run of each case per tool (after a build that brings
#     the output up to date), comparing every output file's inode and modification
#     time before and after (`find -printf`);
#   - peak memory (max RSS) comes from /usr/bin/time -v on clean builds, in rounds
#     that alternate the tools (remedy, hugo, mdbook, remedy, ...), median of MEM_RUNS;
#   - output size is `du -sb` of the output folder, and its file count.
#   Highlighting is on for all three (remedy and Hugo at build time; mdBook highlights
#   in the browser). Search: Hugo writes a JSON search index (the usual recipe);
#   mdBook writes its search index (default); remedy writes its search index.
#
# Tools: hyperfine, hugo and /usr/bin/time come from Debian (`apt-get install -y
# hyperfine hugo time`), mdBook from `cargo install mdbook --locked`; python3 formats
# the table. The script installs what is missing (apt needs root).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS=${TOOLS:-"remedy hugo mdbook"}
CASES=${CASES:-"clean rebuild edit"}
RUNS=${RUNS:-5}
MEM_RUNS=${MEM_RUNS:-2}
STEPS_PER_GUIDE=${STEPS_PER_GUIDE:-20}
SEED=${SEED:-42}
WORK=${WORK:-$ROOT/target/bench}
if [ "${TMPFS:-0}" = 1 ]; then OUT_DIR=${OUT_DIR:-/dev/shm/remedy-bench}; else OUT_DIR=${OUT_DIR:-$WORK/out}; fi
HUGO_MAX_STEPS=${HUGO_MAX_STEPS:-20000}
MDBOOK_MAX_STEPS=${MDBOOK_MAX_STEPS:-2000}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 10000)
export PATH="$HOME/.cargo/bin:$PATH"

has() { [[ " $TOOLS " == *" $1 "* ]]; }

# --- tools -----------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if has hugo; then command -v hugo >/dev/null || missing+=(hugo); fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing from Debian: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root: run 'sudo apt-get install -y ${missing[*]}' and try again" >&2
        exit 1
    fi
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
if has mdbook && ! command -v mdbook >/dev/null; then
    echo "installing mdBook: cargo install mdbook --locked (several minutes on 2 cores)" >&2
    cargo install mdbook --locked
fi

GEN="$ROOT/target/release/examples/gen_corpus"
if [ -n "${REMEDY:-}" ] && [ -x "$GEN" ]; then
    echo "using REMEDY=$REMEDY as it is (not rebuilt)" >&2
else
    echo "building remedy and the corpus generator (release)" >&2
    cargo build --release --quiet --bin remedy --example gen_corpus
    REMEDY="$ROOT/target/release/remedy"
fi

mkdir -p "$WORK" "$OUT_DIR"
fs_type=$(stat -f -c %T "$OUT_DIR")
if [ "$fs_type" = tmpfs ] && [ "${TMPFS:-0}" != 1 ]; then
    echo "note: $OUT_DIR is on tmpfs (memory), not a disk; set WORK or OUT_DIR to measure a disk" >&2
fi
RESULTS="$WORK/results.md"
{
    echo "# remedy benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "Output: $OUT_DIR ($fs_type; $(findmnt -n -o SOURCE,OPTIONS --target "$OUT_DIR" 2>/dev/null || echo '?'))"
    echo "Versions: remedy $(git -C "$ROOT" rev-parse --short HEAD) ($REMEDY)$(has hugo && echo ", $(hugo version | cut -d' ' -f1-2)")$(has mdbook && echo ", mdbook $(mdbook --version | cut -d' ' -f2)"), hyperfine $(hyperfine --version | cut -d' ' -f2)"
    echo "Settings: RUNS=$RUNS MEM_RUNS=$MEM_RUNS STEPS_PER_GUIDE=$STEPS_PER_GUIDE SEED=$SEED CASES=\"$CASES\""
    echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS"

# The command that builds tool $1 from corpus $2 into $3.
command_for() {
    case $1 in
    remedy) echo "$REMEDY build $2/remedy --out $3/remedy" ;;
    hugo) echo "hugo --quiet --source $2/hugo --destination $3/hugo" ;;
    mdbook) echo "mdbook build $2/mdbook --dest-dir $3/mdbook" ;;
    esac
}

# Where tool $1's copy of the edited step is in corpus $2 (relative path $3).
step_file() {
    case $1 in
    remedy) echo "$2/remedy/content/$3" ;;
    hugo) echo "$2/hugo/content/$3" ;;
    mdbook) echo "$2/mdbook/src/$3" ;;
    esac
}

# Every output file of folder $1 as "inode mtime path", sorted.
identities() { if [ -d "$1" ]; then find "$1" -type f -printf '%i %T@ %P\n'; fi | sort -k3; }

# How many lines of identities file $2 are not in identities file $1 (new or changed).
count_written() { comm -13 <(sort "$1") <(sort "$2") | wc -l; }

for steps in "${SIZES[@]}"; do
    corpus="$WORK/corpus-$steps"
    out="$OUT_DIR/out-$steps"
    stamp="$corpus/.generated-$STEPS_PER_GUIDE-$SEED"
    if [ ! -e "$stamp" ]; then
        echo "generating $steps steps into $corpus" >&2
        rm -rf "$corpus"
        "$GEN" --steps "$steps" --steps-per-guide "$STEPS_PER_GUIDE" --seed "$SEED" --out "$corpus"
        touch "$stamp"
    fi
    # The edited step: the middle one, the same file in every tool's corpus. Its two
    # versions are kept beside the corpus; `toggle` switches between them.
    edited=$(cd "$corpus/remedy/content" && find . -name '*.md' ! -name '_index.md' | sort | awk '{ a[NR] = $0 } END { print substr(a[int((NR + 1) / 2)], 3) }')
    toggles=()
    for tool in $TOOLS; do
        f=$(step_file "$tool" "$corpus" "$edited")
        [ -e "$f.orig" ] || cp "$f" "$f.orig"
        [ -e "$f.edit" ] || { cat "$f.orig"; printf '\nIf none of this helped, note the time it happened and try again later.\n'; } >"$f.edit"
        cp "$f.orig" "$f"
        toggles+=("$f")
    done
    toggle="$WORK/toggle-$steps.sh"
    {
        echo '#!/bin/sh'
        echo "# Switches $edited between its text and its edited text, in every corpus."
        for f in "${toggles[@]}"; do
            echo "if cmp -s '$f' '$f.orig'; then cp '$f.edit' '$f'; else cp '$f.orig' '$f'; fi"
        done
    } >"$toggle"
    chmod +x "$toggle"

    # Each tool must build the corpus cleanly before it is timed.
    tools=()
    mkdir -p "$out"
    for tool in $TOOLS; do
        if { [ "$tool" = hugo ] && [ "$steps" -gt "$HUGO_MAX_STEPS" ]; } ||
            { [ "$tool" = mdbook ] && [ "$steps" -gt "$MDBOOK_MAX_STEPS" ]; }; then
            echo "skipping $tool at $steps steps (see HUGO_MAX_STEPS, MDBOOK_MAX_STEPS)" >&2
            echo "skipped: $tool at $steps steps" >>"$RESULTS"
            continue
        fi
        rm -rf "${out:?}/$tool"
        if ! $(command_for "$tool" "$corpus" "$out") >"$WORK/$tool-$steps.log" 2>&1; then
            echo "$tool failed on $steps steps; see $WORK/$tool-$steps.log" >&2
            exit 1
        fi
        tools+=("$tool")
    done

    : >"$WORK/written-$steps.tsv"
    for case in $CASES; do
        echo "timing $steps steps, $case: ${tools[*]}" >&2
        cmds=()
        for tool in "${tools[@]}"; do
            cmds+=(--command-name "$tool" "$(command_for "$tool" "$corpus" "$out")")
        done
        prepare=()
        case $case in
        clean) prepare=(--prepare "rm -rf $out/remedy $out/hugo $out/mdbook") ;;
        rebuild) ;;
        edit) prepare=(--prepare "$toggle") ;;
        *) echo "unknown case $case" >&2 && exit 2 ;;
        esac
        hyperfine --style basic --warmup 1 --runs "$RUNS" "${prepare[@]}" \
            --export-json "$WORK/hyperfine-$steps-$case.json" "${cmds[@]}" >&2

        # One more run per tool: which files did it write? (Built once first, so the
        # output matches the corpus as it is now.)
        for tool in "${tools[@]}"; do
            $(command_for "$tool" "$corpus" "$out") >/dev/null 2>&1
            identities "$out/$tool" >"$WORK/before.txt"
            case $case in
            clean) rm -rf "${out:?}/$tool" ;;
            edit) "$toggle" ;;
            esac
            $(command_for "$tool" "$corpus" "$out") >/dev/null 2>&1
            identities "$out/$tool" >"$WORK/after.txt"
            printf '%s\t%s\t%s\n' "$case" "$tool" "$(count_written "$WORK/before.txt" "$WORK/after.txt")" >>"$WORK/written-$steps.tsv"
        done
    done

    echo "peak memory, $MEM_RUNS alternating rounds of clean builds" >&2
    : >"$WORK/mem-$steps.tsv"
    for round in $(seq 1 "$MEM_RUNS"); do
        # Rotate the order each round so no tool always runs first.
        order=("${tools[@]:$(((round - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((round - 1) % ${#tools[@]}))}")
        for tool in "${order[@]}"; do
            rm -rf "${out:?}/$tool"
            /usr/bin/time -v -o "$WORK/time.txt" $(command_for "$tool" "$corpus" "$out") >/dev/null 2>&1
            kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
            printf '%s\t%s\n' "$tool" "$kb" >>"$WORK/mem-$steps.tsv"
        done
    done
    : >"$WORK/size-$steps.tsv"
    for tool in "${tools[@]}"; do
        bytes=$(du -sb "$out/$tool" | cut -f1)
        files=$(find "$out/$tool" -type f | wc -l)
        search=$(find "$out/$tool" -type f \( -iname '*search*' -o -name 'index.json' \) | head -1)
        printf '%s\t%s\t%s\t%s\n' "$tool" "$bytes" "$files" "${search:+yes}" >>"$WORK/size-$steps.tsv"
    done
    for f in "${toggles[@]}"; do cp "$f.orig" "$f"; done
    rm -rf "${out:?}" # free the space (and tmpfs's memory) before the next size

    python3 - "$steps" "$WORK" "$CASES" >>"$RESULTS" <<'EOF'
import json, statistics, sys
steps, work, cases = sys.argv[1], sys.argv[2], sys.argv[3].split()
mem = {}
for line in open(f"{work}/mem-{steps}.tsv"):
    tool, kb = line.split()
    mem.setdefault(tool, []).append(int(kb))
size = {}
for line in open(f"{work}/size-{steps}.tsv"):
    tool, b, files, *search = line.rstrip("\n").split("\t")
    size[tool] = (int(b), int(files), bool(search and search[0]))
written = {}
for line in open(f"{work}/written-{steps}.tsv"):
    case, tool, n = line.split()
    written[(case, tool)] = int(n)
print(f"\n## {int(steps):,} steps\n")
print("| tool | peak RSS, clean (MiB) | output (MiB) | files | search index |")
print("| --- | ---: | ---: | ---: | --- |")
for t in size:
    print(f"| {t} | {statistics.median(mem[t]) / 1024:.0f} | {size[t][0] / 2**20:.1f} | {size[t][1]:,} | {'yes' if size[t][2] else 'no'} |")
print()
print("| case | tool | wall (s) | user (s) | system (s) | files written |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
rows = {}
for case in cases:
    for r in json.load(open(f"{work}/hyperfine-{steps}-{case}.json"))["results"]:
        t = r["command"]
        rows[(case, t)] = dict(wall=statistics.median(r["times"]), sd=r["stddev"], user=r["user"], sys=r["system"])
        v = rows[(case, t)]
        print(f"| {case} | {t} | {v['wall']:.3f} ± {v['sd']:.3f} | {v['user']:.2f} | {v['sys']:.2f} | {written.get((case, t), 0):,} |")
print("\n(wall: median of the runs, ± standard deviation; user and system: means)")
tools = list(size)
if "remedy" in tools:
    for other in ("hugo", "mdbook"):
        if other in tools:
            parts = [f"{case} {rows[(case, 'remedy')]['wall'] / rows[(case, other)]['wall']:.3f}" for case in cases]
            rss = statistics.median(mem["remedy"]) / statistics.median(mem[other])
            print(f"\nremedy/{other}: wall {', '.join(parts)}; peak RSS {rss:.2f}; output {size['remedy'][0] / size[other][0]:.2f}")
    r = statistics.median(mem["remedy"]) / 1024
    print(f"\nremedy: {r * 1024 / int(steps):.1f} KiB of peak RSS per step; peak RSS / output = {r / (size['remedy'][0] / 2**20):.2f}")
EOF
done

echo >&2
cat "$RESULTS"
echo >&2
echo "(also in $RESULTS)" >&2
