#!/usr/bin/env bash
# Measures remedy's search (issue 16's figures), for the bundled guide and for
# generated corpora of each size given (default: 10000 steps):
# - bytes a first query loads from an empty cache (search.js and index files,
#   raw and gzipped file by file), "restart router" and samples of each kind;
# - repeat-query latency in headless Chromium (p50/p95; exact words, prefixes,
#   typos, quoted phrases and the same phrases' words unquoted);
# - the index on disk (raw, gzip), against mdBook's searchindex.js when
#   `mdbook` is on PATH;
# - the labelled-query hit rates (tests/search_queries.toml over the bundled
#   guide, tests/search_queries_corpus.toml over tests/search-corpus/).
#
#   bash benches/search.sh [STEPS...]
#
# Needs: examples/gen_corpus.rs (or GEN=/path/to/gen_corpus binary; REMEDY=/path
# to a remedy binary skips the release build), chromium, python3, gzip.
# Work files go to ${BENCH_DIR:-/tmp/remedy-search-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(10000)
work=${BENCH_DIR:-/tmp/remedy-search-bench}
mkdir -p "$work"

if [ -z "${REMEDY:-}" ]; then
  cargo build --release --quiet
  REMEDY=target/release/remedy
fi
remedy=$REMEDY
if [ -z "${GEN:-}" ]; then
  cargo build --release --quiet --example gen_corpus
  GEN=target/release/examples/gen_corpus
fi

gz() { gzip -9 -c "$1" | wc -c; }
sum_raw() { cat "$@" | wc -c; }
sum_gz() { local t=0; for f in "$@"; do t=$((t + $(gz "$f"))); done; echo $t; }

measure() { # NAME SITE_DIR OUT_DIR [LABELLED_QUERIES]
  local name=$1 src=$2 out=$3 labels=${4:-}
  echo "== $name"
  rm -rf "$out"
  "$remedy" build "$src" --out "$out" >/dev/null
  local s="$out/search"
  local pages
  pages=$(find "$out" -name '*.html' ! -name 'search.html' ! -name '404.html' ! -name 'steps.html' | wc -l)
  shopt -s nullglob
  local terms=("$s"/index.js "$s"/s-*.js) vocab=("$s"/v-*.js) pos=("$s"/p-*.js) docs=("$s"/d-*.js)
  shopt -u nullglob
  echo "pages: $pages; files: ${#terms[@]} manifest+shards, ${#vocab[@]} vocabulary, ${#pos[@]} positions, ${#docs[@]} result texts"
  echo "term index (manifest, shards, vocabulary): $(sum_raw "${terms[@]}" ${vocab[@]+"${vocab[@]}"}) B raw, $(sum_gz "${terms[@]}" ${vocab[@]+"${vocab[@]}"}) B gzip"
  echo "positions (p-*.js, phrases only): $(sum_raw "${pos[@]}") B raw, $(sum_gz "${pos[@]}") B gzip"
  echo "result texts (d-*.js): $(sum_raw "${docs[@]}") B raw; median file $(for f in "${docs[@]}"; do wc -c < "$f"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') B"

  # Queries from the site's own words: exact words and pairs, prefixes, typos,
  # phrases (two or three adjacent words, quoted) and the same words unquoted.
  python3 - "$s" > "$out/../queries-$name.tsv" <<'PY'
import json, random, re, sys, glob
random.seed(7)
files = sorted(glob.glob(sys.argv[1] + '/d-*.js'), key=lambda f: int(re.findall(r'\d+', f.rsplit('/', 1)[1])[0]))
words, runs = set(), []
for f in files[:200]:
    text = open(f, encoding='utf-8').read()
    words.update(w.lower() for w in re.findall(r'\b[A-Za-z]{5,12}\b', text))
    for m in re.finditer(r'"text":"([^"]*)"', text):
        toks = m.group(1).split()
        for i in range(0, max(0, len(toks) - 3), 7):
            run = toks[i:i + random.choice([2, 3])]
            if all(re.fullmatch(r'[A-Za-z]{3,12}', t) for t in run):
                runs.append(' '.join(run).lower())
words = sorted(words)
pick = lambda xs, k: random.sample(xs, min(k, len(xs)))
out = [('cold', 'restart router')]
for w in pick(words, 40): out.append(('exact', w))
for a, b in zip(pick(words, 20), pick(words, 20)): out.append(('exact', a + ' ' + b))
for w in pick(words, 40): out.append(('prefix', w[:random.randint(3, max(3, len(w) - 1))]))
for w in pick(words, 40):
    i = random.randint(1, len(w) - 2)
    out.append(('typo', w[:i] + w[i + 1] + w[i] + w[i + 2:] if w[i] != w[i + 1] else w[:i] + 'x' + w[i + 1:]))
for r in pick(sorted(set(runs)), 40):
    out.append(('phrase', '"' + r + '"'))
    out.append(('word', r + ' '))
for k, q in out: print(k + '\t' + q)
PY
  REMEDY_BENCH_SITE="$out" REMEDY_BENCH_QUERIES="$out/../queries-$name.tsv" REMEDY_BENCH_LABELS="$labels" \
    cargo test --quiet --test it search_benchmark -- --ignored --nocapture 2>&1 |
    grep -E '^(search.js|cold|latency|first|queries|slowest|labelled)'
}

measure bundled . "$work/bundled/out" tests/search_queries.toml
measure labelled-corpus tests/search-corpus "$work/labelled-corpus/out" tests/search_queries_corpus.toml
for n in "${steps[@]}"; do
  dir="$work/c$n"
  [ -d "$dir/remedy" ] || "$GEN" --steps "$n" --out "$dir" >/dev/null
  measure "$n-steps" "$dir/remedy" "$dir/out"
  if command -v mdbook >/dev/null 2>&1; then
    [ -d "$dir/mdbook/book" ] || (cd "$dir/mdbook" && mdbook build >/dev/null 2>&1)
    m=$(ls "$dir"/mdbook/book/searchindex*.js | head -1)
    echo "mdBook searchindex.js: $(wc -c < "$m") B raw, $(gz "$m") B gzip"
  fi
done

