#!/usr/bin/env bash
# Builds the same generated troubleshooting site with remedy, Hugo and mdBook, side
# by side on this machine, and prints wall time, CPU time, peak memory and output
# size for each, with the ratios remedy/Hugo and remedy/mdBook.
#
# Usage (from the repository root):
#
#   benches/compare.sh                 # 1,000 and 10,000 steps, all three tools
#   benches/compare.sh 1000 10000      # the same, sizes given
#   TOOLS=remedy benches/compare.sh 100000       # scaling run, remedy alone
#   TOOLS="remedy hugo" RUNS=3 benches/compare.sh 100000
#
# Settings (environment):
#   TOOLS            which tools to run (default "remedy hugo mdbook")
#   RUNS             timed runs per tool in hyperfine (default 5; 1 warm-up run first)
#   MEM_RUNS         runs per tool under /usr/bin/time -v, for peak memory (default 2)
#   STEPS_PER_GUIDE  steps per guide in the corpus (default 20)
#   SEED             the generator's seed (default 42)
#   REMEDY           a remedy binary to measure instead of building target/release/remedy
#   WORK             where corpora, logs and results go (default /tmp/remedy-bench)
#   OUT_DIR          where the tools write their output (default /dev/shm/remedy-bench
#                    when /dev/shm exists, else $WORK): tmpfs keeps the disk out of the
#                    comparison (on this machine's journal-less ext4, creating freshly
#                    deleted inodes costs more than building the pages)
#   HUGO_MAX_STEPS   skip Hugo above this many steps (default 20000: at 100,000 steps
#                    Hugo needs more than this machine's 24 GiB)
#   MDBOOK_MAX_STEPS skip mdBook above this many steps (default 2000: mdBook's time
#                    grows with the square of the chapter count, about 15 min at 10,000)
#
# How it measures:
#   - the corpus comes from `cargo run --release --example gen_corpus` (deterministic),
#     written once per size and seed into $WORK/corpus-<steps>/{remedy,hugo,mdbook};
#   - wall and CPU time (user + system) come from one hyperfine invocation holding
#     every tool's command, after one warm-up run each; every run starts from an
#     empty output folder (hyperfine --prepare);
#   - peak memory (max RSS) comes from /usr/bin/time -v, in rounds that alternate the
#     tools (remedy, hugo, mdbook, remedy, ...), median of MEM_RUNS;
#   - output size is `du -sb` of the output folder, and its file count.
#   Highlighting is on for all three (remedy and Hugo at build time; mdBook highlights
#   in the browser). Search: Hugo writes a JSON search index (the usual recipe);
#   mdBook writes its search index (default); remedy's output is measured as it is
#   built, so its search index is included as soon as remedy builds one.
#
# Tools: hyperfine, hugo and /usr/bin/time come from Debian (`apt-get install -y
# hyperfine hugo time`), mdBook from `cargo install mdbook --locked`; python3 formats
# the table. The script installs what is missing (apt needs root).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS=${TOOLS:-"remedy hugo mdbook"}
RUNS=${RUNS:-5}
MEM_RUNS=${MEM_RUNS:-2}
STEPS_PER_GUIDE=${STEPS_PER_GUIDE:-20}
SEED=${SEED:-42}
WORK=${WORK:-/tmp/remedy-bench}
if [ -d /dev/shm ]; then OUT_DIR=${OUT_DIR:-/dev/shm/remedy-bench}; else OUT_DIR=${OUT_DIR:-$WORK}; fi
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

mkdir -p "$WORK"
RESULTS="$WORK/results.md"
{
    echo "# remedy benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "Versions: remedy $(git -C "$ROOT" rev-parse --short HEAD) ($REMEDY)$(has hugo && echo ", $(hugo version | cut -d' ' -f1-2)")$(has mdbook && echo ", mdbook $(mdbook --version | cut -d' ' -f2)"), hyperfine $(hyperfine --version | cut -d' ' -f2)"
    echo "Settings: RUNS=$RUNS MEM_RUNS=$MEM_RUNS STEPS_PER_GUIDE=$STEPS_PER_GUIDE SEED=$SEED OUT_DIR=$OUT_DIR"
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
    # Each tool must build the corpus cleanly before it is timed.
    tools=()
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

    echo "timing $steps steps: ${tools[*]}" >&2
    cmds=()
    for tool in "${tools[@]}"; do
        cmds+=(--command-name "$tool" "$(command_for "$tool" "$corpus" "$out")")
    done
    hyperfine --style basic --warmup 1 --runs "$RUNS" \
        --prepare "rm -rf $out/remedy $out/hugo $out/mdbook" \
        --export-json "$WORK/hyperfine-$steps.json" "${cmds[@]}" >&2

    echo "peak memory, $MEM_RUNS alternating rounds" >&2
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
    rm -rf "${out:?}" # tmpfs is memory: free it before the next size

    python3 - "$steps" "$WORK" >>"$RESULTS" <<'EOF'
import json, statistics, sys
steps, work = sys.argv[1], sys.argv[2]
runs = json.load(open(f"{work}/hyperfine-{steps}.json"))["results"]
mem = {}
for line in open(f"{work}/mem-{steps}.tsv"):
    tool, kb = line.split()
    mem.setdefault(tool, []).append(int(kb))
size = {}
for line in open(f"{work}/size-{steps}.tsv"):
    tool, b, files, *search = line.rstrip("\n").split("\t")
    size[tool] = (int(b), int(files), bool(search and search[0]))
rows = {}
for r in runs:
    t = r["command"]
    rows[t] = dict(wall=r["mean"], sd=r["stddev"], cpu=r["user"] + r["system"],
                   rss=statistics.median(mem[t]) / 1024, out=size[t][0] / 2**20,
                   files=size[t][1], search=size[t][2])
print(f"\n## {int(steps):,} steps\n")
print("| tool | wall (s) | CPU (s) | peak RSS (MiB) | output (MiB) | files | search index |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for t, v in rows.items():
    print(f"| {t} | {v['wall']:.3f} ± {v['sd']:.3f} | {v['cpu']:.3f} | {v['rss']:.0f} | {v['out']:.1f} | {v['files']:,} | {'yes' if v['search'] else 'no'} |")
if "remedy" in rows:
    r = rows["remedy"]
    for other in ("hugo", "mdbook"):
        if other in rows:
            o = rows[other]
            print(f"\nremedy/{other}: wall {r['wall']/o['wall']:.2f}, CPU {r['cpu']/o['cpu']:.2f}, "
                  f"peak RSS {r['rss']/o['rss']:.2f}, output {r['out']/o['out']:.2f}")
    print(f"\nremedy: {r['wall']*1000/int(steps):.3f} ms and {r['rss']*1024/int(steps):.1f} KiB of peak RSS per step; peak RSS / output = {r['rss']/r['out']:.2f}")
EOF
done

echo >&2
cat "$RESULTS"
echo >&2
echo "(also in $RESULTS)" >&2
