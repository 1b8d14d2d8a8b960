#!/usr/bin/env bash
# Measures remedy's search on generated corpora (issue 3's "Measured" list):
# index bytes (raw, gzip) against mdBook's searchindex.js on the same corpus, bytes
# a cold query loads, query latency in headless Chromium (p50/p95; exact, prefix,
# typo), for each size given (default: 1000 10000 steps).
#
#   bash benches/search.sh [STEPS...]
#
# Needs: examples/gen_corpus.rs (or GEN=/path/to/gen_corpus binary; REMEDY=/path
# to a remedy binary skips the release build), chromium,
# python3, gzip; mdBook (`mdbook` on PATH) for the comparison, skipped if absent.
# Work files go to ${BENCH_DIR:-/tmp/remedy-search-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(1000 10000)
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

for n in "${steps[@]}"; do
  dir="$work/c$n"
  echo "== $n steps ($dir)"
  [ -d "$dir/remedy" ] || "$GEN" --steps "$n" --out "$dir" >/dev/null
  rm -rf "$dir/out"
  "$remedy" build "$dir/remedy" --out "$dir/out"
  s="$dir/out/search"
  pages=$(find "$dir/out" -name '*.html' ! -name 'search.html' ! -name '404.html' ! -name 'steps.html' | wc -l)
  terms=("$s"/index.js "$s"/s-*.js)
  shopt -s nullglob; vocab=("$s"/v-*.js); shopt -u nullglob
  docs=("$s"/d-*.js)
  t_raw=$(sum_raw "${terms[@]}" ${vocab[@]+"${vocab[@]}"}); t_gz=$(sum_gz "${terms[@]}" ${vocab[@]+"${vocab[@]}"})
  d_raw=$(sum_raw "${docs[@]}"); d_gz=$(sum_gz "${docs[@]}")
  echo "pages: $pages; files: ${#terms[@]} manifest+shards, ${#vocab[@]} vocabulary, ${#docs[@]} doc files"
  echo "term index (manifest, shards, vocabulary): $t_raw B raw, $t_gz B gzip; per page $((t_raw / pages)) B raw, $((t_gz / pages)) B gzip"
  echo "snippet text store (d-*.js, the indexed text itself): $d_raw B raw, $d_gz B gzip"
  echo "term index / indexed text: $(python3 -c "print(f'{$t_raw / $d_raw:.0%}')")"
  if command -v mdbook >/dev/null 2>&1; then
    [ -d "$dir/mdbook/book" ] || (cd "$dir/mdbook" && mdbook build >/dev/null 2>&1)
    m=$(ls "$dir"/mdbook/book/searchindex*.js | head -1)
    m_raw=$(wc -c < "$m"); m_gz=$(gz "$m")
    echo "mdBook searchindex.js: $m_raw B raw, $m_gz B gzip"
    python3 -c "print(f'remedy / mdBook: term index {$t_raw/$m_raw:.1%} raw, {$t_gz/$m_gz:.1%} gzip; everything under search/ {($t_raw+$d_raw)/$m_raw:.1%} raw, {($t_gz+$d_gz)/$m_gz:.1%} gzip')"
  else
    echo "mdBook not found: comparison skipped"
  fi

  # Queries from the corpus' own words: exact words and pairs, prefixes, typos.
  python3 - "$s" > "$dir/queries.tsv" <<'PY'
import json, random, re, sys, glob
random.seed(7)
words = set()
for f in sorted(glob.glob(sys.argv[1] + '/d-*.js'))[:40]:
    text = open(f, encoding='utf-8').read()
    words.update(w.lower() for w in re.findall(r'\b[A-Za-z]{5,12}\b', text))
words = sorted(words)
pick = lambda k: random.sample(words, min(k, len(words)))
out = []
for w in pick(40): out.append(('exact', w))
for a, b in zip(pick(20), pick(20)): out.append(('exact', a + ' ' + b))
for w in pick(40): out.append(('prefix', w[:random.randint(3, max(3, len(w) - 1))]))
for w in pick(40):
    i = random.randint(1, len(w) - 2)
    out.append(('typo', w[:i] + w[i + 1] + w[i] + w[i + 2:] if w[i] != w[i + 1] else w[:i] + 'x' + w[i + 1:]))
for k, q in out: print(k + '\t' + q)
PY
  REMEDY_BENCH_SITE="$dir/out" REMEDY_BENCH_QUERIES="$dir/queries.tsv" \
    cargo test --quiet --test it search_benchmark -- --ignored --nocapture 2>&1 | grep -E '^(cold|latency|first|queries|slowest)'
done
