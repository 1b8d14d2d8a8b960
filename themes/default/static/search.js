/* remedy search: the search box in every page's header and the page search.html.
 *
 * Plain classic script (no modules, workers, fetch or WebAssembly), so it works
 * from file:// as well as over http. The index is a set of classic scripts under
 * search/ that call window.__remedySearch (written by src/search/index.rs, which
 * documents the format); they are added as <script> tags only when the reader
 * first focuses the box or opens search.html, and a query loads only the shards
 * its words need.
 *
 * Everything shown is built with createElement/textContent: indexed text and the
 * query are never parsed as HTML.
 */
(function () {
  'use strict';

  var script = document.currentScript || document.querySelector('script[data-root]');
  var ROOT = (script && script.getAttribute('data-root')) || '';
  var POPUP_RESULTS = 8;
  var PAGE_RESULTS = 20;
  var SNIPPET_WORDS = 30;
  // Score factors by how a query word matched a key.
  var EXACT = 1;
  var PREFIX = 0.8;
  var TYPO = [1, 0.5, 0.3]; // by edit distance

  /* ---- Loading the index ------------------------------------------------- */

  var store = { manifest: null, shards: {}, vocab: {}, docs: {} };
  window.__remedySearch = {
    manifest: function (m) { store.manifest = m; },
    shard: function (n, data) { store.shards[n] = data; },
    vocab: function (hex, words) { store.vocab[hex] = words; },
    docs: function (n, records) { store.docs[n] = records; }
  };

  var loading = {}; // file -> Promise
  var loadedFiles = [];

  /** Adds <script src="search/FILE"> once; resolves when it has run. */
  function load(file) {
    if (!loading[file]) {
      loading[file] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = ROOT + 'search/' + file;
        s.async = true;
        s.onload = function () { loadedFiles.push(file); resolve(); };
        s.onerror = function () {
          delete loading[file];
          reject(new Error('could not load ' + s.src));
        };
        document.head.appendChild(s);
      });
    }
    return loading[file];
  }

  function loadAll(files) {
    var unique = files.filter(function (f, i) { return files.indexOf(f) === i; });
    return Promise.all(unique.map(load));
  }

  function manifest() {
    return load('index.js').then(function () { return store.manifest; });
  }

  /** The shard whose range holds `key` (shards[i] is the first key of shard i). */
  function shardOf(key) {
    var firsts = store.manifest.shards;
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Shards holding keys that start with `prefix`. */
  function shardsWithPrefix(prefix) {
    var out = [];
    for (var i = shardOf(prefix); i <= shardOf(prefix + '\uffff'); i++) out.push(i);
    return out;
  }

  function loadShards(ns) {
    return loadAll(ns.map(function (n) { return 's-' + n + '.js'; }));
  }

  /* ---- Tokenizing: the same rules as src/search/tokenize.rs -------------- */

  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var NOT_ALNUM = /[^\p{Alphabetic}\p{N}]+/u;
  var KEEP_LEADING = '-.#$@~/';
  var KEEP_TRAILING = '#+%';
  var MAX_TERM_CHARS = 40;

  function trimChunk(chunk) {
    var cs = Array.from(chunk);
    var a = 0, b = cs.length;
    while (a < b && !ALNUM.test(cs[a]) && KEEP_LEADING.indexOf(cs[a]) < 0) a++;
    while (b > a && !ALNUM.test(cs[b - 1]) && KEEP_TRAILING.indexOf(cs[b - 1]) < 0) b--;
    return cs.slice(a, b).join('');
  }

  function keep(word) {
    var n = Array.from(word).length;
    return (n > 1 || /^[0-9]$/.test(word)) && n <= MAX_TERM_CHARS &&
      store.manifest.stop.indexOf(word) < 0;
  }

  /**
   * The query's terms. Each is {word} for a plain word or {whole, joined, parts}
   * for a chunk with punctuation inside; `last` marks the word being typed.
   */
  function queryTerms(text) {
    var terms = [];
    var chunks = text.toLowerCase().split(/\s+/);
    chunks.forEach(function (raw, i) {
      var chunk = trimChunk(raw);
      var parts = chunk.split(NOT_ALNUM).filter(Boolean);
      if (!parts.length) return;
      if (parts.length === 1 && parts[0] === chunk) {
        if (keep(chunk)) terms.push({ word: chunk, chunk: i });
      } else {
        terms.push({ whole: chunk, joined: parts.join(''), parts: parts.filter(keep), chunk: i });
      }
    });
    return terms;
  }

  /** Splits a query into phrases (in double quotes) and free text. */
  function parseQuery(q) {
    var text = String(q == null ? '' : q).slice(0, 256);
    var phrases = [];
    var free = text.replace(/"([^"]*)"?/g, function (_, p) {
      if (p.trim()) phrases.push(p);
      return ' ' + p + ' ';
    });
    // Search as you type: the last word is a prefix unless followed by a space or quote.
    var typing = /[^\s"]$/.test(text);
    var terms = queryTerms(free);
    if (typing && terms.length) {
      var last = terms[terms.length - 1];
      if (last.word) last.prefix = true;
    }
    return { terms: terms, phrases: phrases.map(normalize).filter(Boolean) };
  }

  /** Lowercase words separated by single spaces (for phrase matching). */
  function normalize(text) {
    return text.toLowerCase().split(NOT_ALNUM).filter(Boolean).join(' ');
  }

  /* ---- Matching query words to index keys --------------------------------- */

  /** Optimal string alignment distance, or max + 1 when over `max`. */
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur[j] = v;
        if (v < rowMin) rowMin = v;
      }
      if (rowMin > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  var hasOwn = Object.prototype.hasOwnProperty;

  /** obj[key] if obj has it itself (a query may be "constructor" or "__proto__"). */
  function own(obj, key) {
    return hasOwn.call(obj, key) ? obj[key] : undefined;
  }

  function lookup(word) {
    var s = store.shards[shardOf(word)];
    return s ? { key: own(s.k, word), form: own(s.f, word) } : {};
  }

  /** Adds matches for `key`'s exact word: the key itself and its stem. */
  function exactMatches(word, factor, out) {
    var found = lookup(word);
    if (found.key) out.push({ key: word, factor: factor });
    if (found.form) {
      var stem = lookup(found.form);
      if (stem.key) out.push({ key: found.form, factor: factor });
    }
  }

  /** Every match for a plain word: exact, then prefix, then typos. */
  function wordMatches(term) {
    var w = term.word;
    var out = [];
    var need = [shardOf(w)];
    var chars = Array.from(w);
    for (var n = chars.length - 1; n >= Math.max(4, chars.length - 4); n--) {
      need.push(shardOf(chars.slice(0, n).join(''))); // for stemGuess
    }
    if (term.prefix && w.length >= 2) need = need.concat(shardsWithPrefix(w));
    return loadShards(need).then(function () {
      var forms = [];
      var f = lookup(w).form;
      if (f) forms.push(f);
      return loadShards(forms.map(shardOf));
    }).then(function () {
      exactMatches(w, EXACT, out);
      if (!out.length) stemGuess(w, out);
      if (term.prefix && w.length >= 2) {
        var seen = new Set();
        out.forEach(function (m) { seen.add(m.key); });
        var extra = [];
        shardsWithPrefix(w).forEach(function (n) {
          var s = store.shards[n];
          Object.keys(s.k).forEach(function (k) {
            if (k.lastIndexOf(w, 0) === 0 && !seen.has(k)) { seen.add(k); extra.push(k); }
          });
          Object.keys(s.f).forEach(function (k) {
            if (k.lastIndexOf(w, 0) === 0 && !seen.has(s.f[k])) { seen.add(s.f[k]); extra.push(s.f[k]); }
          });
        });
        extra.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
        return loadShards(extra.slice(0, 50).map(shardOf)).then(function () {
          extra.slice(0, 50).forEach(function (k) {
            if (lookup(k).key) out.push({ key: k, factor: PREFIX });
          });
          return typoMatches(w, out);
        });
      }
      return typoMatches(w, out);
    });
  }

  /**
   * A word the site never uses in this form ("completing" where the text says
   * "completed") has no entry mapping it to its stem: try the index's keys that
   * are the word less a short ending (up to 4 letters), as a stemmer would cut.
   * wordMatches has loaded their shards.
   */
  function stemGuess(w, out) {
    var chars = Array.from(w);
    if (chars.length < 5) return;
    for (var n = chars.length - 1; n >= Math.max(4, chars.length - 4); n--) {
      var stem = chars.slice(0, n).join('');
      if (store.shards[shardOf(stem)] && lookup(stem).key) {
        out.push({ key: stem, factor: PREFIX });
        return;
      }
    }
  }

  /** One edit for words of 4+ letters, two for 8+, among words of the same first letter. */
  function typoMatches(w, out) {
    var n = Array.from(w).length;
    var max = n >= 8 ? 2 : n >= 4 ? 1 : 0;
    if (!max) return Promise.resolve(out);
    var first = Array.from(w)[0];
    var m = store.manifest;
    var words;
    var ready;
    if (!m.vocab) {
      ready = loadShards([0]).then(function () {
        var s = store.shards[0];
        words = Object.keys(s.k).concat(Object.keys(s.f));
      });
    } else if (m.vocab.indexOf(first) >= 0) {
      var hex = first.codePointAt(0).toString(16);
      ready = load('v-' + hex + '.js').then(function () { words = store.vocab[hex]; });
    } else {
      return Promise.resolve(out);
    }
    return ready.then(function () {
      var found = [];
      words.forEach(function (v) {
        if (v === w || v[0] !== w[0]) return;
        var d = editDistance(w, v, max);
        if (d <= max) found.push({ word: v, d: d });
      });
      found.sort(function (a, b) { return a.d - b.d || (a.word < b.word ? -1 : 1); });
      found = found.slice(0, 20);
      return loadShards(found.map(function (c) { return shardOf(c.word); })).then(function () {
        var forms = [];
        found.forEach(function (c) { var f = lookup(c.word).form; if (f) forms.push(f); });
        return loadShards(forms.map(shardOf));
      }).then(function () {
        found.forEach(function (c) { exactMatches(c.word, TYPO[c.d], out); });
        out.forEach(function (mt) { if (mt.factor < PREFIX) mt.typo = true; });
        return out;
      });
    });
  }

  /** A punctuated chunk: found whole (or joined), else by its parts. */
  function chunkMatches(term) {
    var keys = [term.whole, term.joined];
    return loadShards(keys.map(shardOf)).then(function () {
      var forms = keys.map(function (k) { return lookup(k).form; }).filter(Boolean);
      return loadShards(forms.map(shardOf));
    }).then(function () {
      var out = [];
      exactMatches(term.whole, EXACT, out);
      exactMatches(term.joined, EXACT, out);
      return out;
    });
  }

  /** Each term's matches; chunks not found whole become one term per part. */
  function matchTerms(terms) {
    return Promise.all(terms.map(function (t) {
      if (t.word) return wordMatches(t).then(function (m) { return [{ term: t, matches: m }]; });
      return chunkMatches(t).then(function (m) {
        if (m.length || !t.parts.length) return [{ term: t, matches: m }];
        return Promise.all(t.parts.map(function (p) {
          var sub = { word: p };
          return wordMatches(sub).then(function (pm) { return { term: sub, matches: pm }; });
        }));
      });
    })).then(function (lists) { return [].concat.apply([], lists); });
  }

  /* ---- Ranking ------------------------------------------------------------- */

  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT[DIGITS.charAt(d)] = d;
  var decoded = new Map(); // key -> [page, section, impact, ...]

  /**
   * A key's postings as [page, section, impact, ...], with `.common` set for a
   * very common key whose list holds only its best postings. The index stores varints
   * of base-64 digits (see src/search/index.rs): page deltas, sections, impacts.
   */
  function decode(key) {
    if (decoded.has(key)) return decoded.get(key);
    var text = lookup(key).key || '';
    var out = [];
    out.common = text.charAt(0) === '~';
    var v = 0, shift = 0, n = 0, page = 0;
    for (var i = out.common ? 1 : 0; i < text.length; i++) {
      var c = DIGIT[text.charAt(i)];
      if (c >= 32) { v += (c - 32) * Math.pow(2, shift); shift += 5; continue; }
      v += c * Math.pow(2, shift);
      if (n % 3 === 0) { page += v; v = page; }
      out.push(v);
      n++;
      v = 0;
      shift = 0;
    }
    decoded.set(key, out);
    return out;
  }

  /**
   * Pages ranked by: how many query terms they match (very common words aside),
   * then fewer typos, then
   * score (impacts times match factor; the metadata section plus the best one).
   */
  function rank(matched, k) {
    var pages = new Map();
    // A very common word (pruned postings) is not required to match, unless the
    // query has nothing else.
    var common = matched.map(function (tm) {
      return tm.matches.length > 0 && tm.matches.every(function (m) { return decode(m.key).common; });
    });
    var allCommon = common.every(Boolean);
    matched.forEach(function (tm, ti) {
      // This term's best score per (page, section), keyed page * 4096 + section,
      // and the pages it matches exactly (not only through a typo).
      var best = new Map();
      var exactPages = new Set();
      tm.matches.forEach(function (m) {
        var postings = decode(m.key);
        for (var i = 0; i < postings.length; i += 3) {
          var key = postings[i] * 4096 + Math.min(postings[i + 1], 4095);
          var score = postings[i + 2] * m.factor;
          var old = best.get(key);
          if (old === undefined || old < score) best.set(key, score);
          if (!m.typo) exactPages.add(postings[i]);
        }
      });
      best.forEach(function (score, key) {
        var page = Math.floor(key / 4096);
        var p = pages.get(page);
        if (!p) {
          p = { page: page, cover: 0, typos: 0, secs: new Map(), last: -1 };
          pages.set(page, p);
        }
        if (p.last !== ti) {
          p.last = ti;
          if (!common[ti] || allCommon) p.cover++;
          if (!exactPages.has(page)) p.typos++;
        }
        var section = key % 4096;
        p.secs.set(section, (p.secs.get(section) || 0) + score);
      });
    });
    // Keep the best `k` in order (insertion into a short sorted list: cheaper
    // than sorting every matching page of a large site).
    var out = [];
    pages.forEach(function (p) {
      var meta = p.secs.get(0) || 0;
      var bestSection = 0, bestScore = 0;
      p.secs.forEach(function (v, s) {
        if (s > 0 && v > bestScore) { bestScore = v; bestSection = s; }
      });
      p.score = meta + bestScore;
      p.section = bestScore > 0 ? bestSection : 0;
      if (out.length === k && better(out[k - 1], p)) return;
      var i = out.length;
      while (i > 0 && better(p, out[i - 1])) i--;
      out.splice(i, 0, p);
      if (out.length > k) out.pop();
    });
    return out;
  }

  /** Whether page match `a` ranks above `b`. */
  function better(a, b) {
    return (a.cover - b.cover || b.typos - a.typos || a.score - b.score || b.page - a.page) > 0;
  }

  /* ---- Results ------------------------------------------------------------- */

  function loadDocs(pages) {
    var per = store.manifest.per_doc_file;
    return loadAll(pages.map(function (p) { return 'd-' + Math.floor(p / per) + '.js'; }));
  }

  function record(page) {
    var per = store.manifest.per_doc_file;
    return store.docs[Math.floor(page / per)][page % per];
  }

  function hasPhrases(rec, phrases) {
    var text = ' ' + normalize(rec[1] + ' ' + rec[5].map(function (s) {
      return (s[0] || '') + ' ' + s[2];
    }).join(' ')) + ' ';
    return phrases.every(function (p) { return text.indexOf(' ' + p + ' ') >= 0; });
  }

  /**
   * Searches; resolves to at most `limit` results (after skipping `offset`)
   * {url, title, guide, step, risk, heading, snippet: [[text, highlighted]...]}.
   * Never rejects on a strange query: an empty query gives [].
   */
  function search(q, limit, offset) {
    limit = limit || PAGE_RESULTS;
    offset = offset || 0;
    return manifest().then(function () {
      var parsed = parseQuery(q);
      if (!parsed.terms.length) return [];
      return matchTerms(parsed.terms).then(function (matched) {
        var ranked = rank(matched, offset + Math.max(limit, parsed.phrases.length ? 20 : 0));
        var keys = [];
        matched.forEach(function (tm) {
          tm.matches.forEach(function (m) { keys.push(m.key); });
          if (tm.term.word) keys.push(tm.term.word);
          if (tm.term.whole) keys.push(tm.term.whole);
        });
        if (!parsed.phrases.length) {
          ranked = ranked.slice(offset, offset + limit);
          return loadDocs(ranked.map(function (p) { return p.page; })).then(function () {
            return ranked.map(function (p) { return result(p, keys); });
          });
        }
        // Phrases are checked against the text of the best 20 candidates (past the
        // offset): a phrase costs their doc files, so the number stays small.
        var candidates = ranked;
        return loadDocs(candidates.map(function (p) { return p.page; })).then(function () {
          return candidates.filter(function (p) {
            return hasPhrases(record(p.page), parsed.phrases);
          }).slice(offset, offset + limit).map(function (p) { return result(p, keys); });
        });
      });
    });
  }

  function result(p, keys) {
    var rec = record(p.page);
    var section = rec[5][p.section] || [null, null, ''];
    var text = section[2] || (rec[5][0] && rec[5][0][2]) || '';
    return {
      url: rec[0] + (section[1] ? '#' + section[1] : ''),
      title: rec[1],
      guide: rec[2],
      step: rec[3],
      risk: rec[4],
      heading: section[0],
      snippet: snippet(text, keys),
      score: p.score
    };
  }

  /** Whether a word of the text matches one of the query's keys. */
  function highlighted(word, keys) {
    var lower = word.toLowerCase();
    if (!keys.some(function (k) { return lower.indexOf(k) >= 0; })) return false;
    var w = trimChunk(lower);
    if (!w) return false;
    var parts = [w].concat(w.split(NOT_ALNUM));
    return keys.some(function (k) {
      return k.length > 1 && parts.some(function (p) { return p.lastIndexOf(k, 0) === 0; });
    });
  }

  /** About 30 words around the first match, as [[text, highlighted], ...]. */
  function snippet(text, keys) {
    var words = text.split(/\s+/).filter(Boolean);
    var marks = words.map(function (w) { return highlighted(w, keys); });
    var first = marks.indexOf(true);
    var start = first < 8 ? 0 : first - 8;
    var end = Math.min(words.length, start + SNIPPET_WORDS);
    var out = [];
    if (start > 0) out.push(['… ', false]);
    for (var i = start; i < end; i++) {
      out.push([words[i], marks[i]]);
      if (i + 1 < end) out.push([' ', false]);
    }
    if (end < words.length) out.push([' …', false]);
    return out;
  }

  /* ---- Showing results ----------------------------------------------------- */

  var RISK_LABELS = { safe: 'Safe', caution: 'Caution', destructive: 'Destructive' };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function resultLink(r) {
    var a = el('a', 'search-result');
    a.href = ROOT + r.url;
    var meta = el('span', 'search-result-meta');
    if (r.guide) meta.appendChild(el('span', 'search-result-guide', r.guide));
    if (r.step) meta.appendChild(el('span', 'search-result-step', 'Step ' + r.step));
    if (RISK_LABELS[r.risk]) {
      meta.appendChild(el('span', 'risk risk-' + r.risk, RISK_LABELS[r.risk]));
    }
    if (meta.childNodes.length) a.appendChild(meta);
    var title = el('span', 'search-result-title', r.title);
    if (r.heading) title.appendChild(el('span', 'search-result-heading', ' › ' + r.heading));
    a.appendChild(title);
    var snip = el('span', 'search-result-snippet');
    r.snippet.forEach(function (s) {
      snip.appendChild(s[1] ? el('mark', null, s[0]) : document.createTextNode(s[0]));
    });
    a.appendChild(snip);
    return a;
  }

  /** Adds results to `list` as options; returns the new <li> (for arrow keys). */
  function addResults(list, results, idPrefix, start) {
    return results.map(function (r, i) {
      var li = el('li');
      li.setAttribute('role', 'option');
      li.id = idPrefix + (start + i);
      var a = resultLink(r);
      a.tabIndex = -1;
      li.appendChild(a);
      list.appendChild(li);
      return li;
    });
  }

  /**
   * Wires an input to a results box: searches as the reader types; arrow keys
   * move through results and Enter opens one.
   */
  function attach(input, box, opts) {
    var seq = 0;
    var items = [];
    var current = -1;

    function select(i) {
      if (current >= 0 && items[current]) items[current].setAttribute('aria-selected', 'false');
      current = i;
      if (i >= 0 && items[i]) {
        items[i].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', items[i].id);
        if (items[i].scrollIntoView) items[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function run() {
      var q = input.value;
      var mine = ++seq;
      if (opts.onQuery) opts.onQuery(q);
      if (!q.trim()) {
        items = [];
        current = -1;
        while (box.firstChild) box.removeChild(box.firstChild);
        if (opts.popup) box.hidden = true;
        if (opts.status) opts.status('');
        return Promise.resolve();
      }
      return search(q, opts.limit).then(function (results) {
        if (mine !== seq) return;
        while (box.firstChild) box.removeChild(box.firstChild);
        var list = el('ul', 'search-result-list');
        list.setAttribute('role', 'listbox');
        box.appendChild(list);
        items = addResults(list, results, box.id + '-r', 0);
        current = -1;
        if (opts.popup) {
          box.hidden = false;
          var all = el('a', 'search-all', results.length ? 'All results for “' + q + '”' : 'No results for “' + q + '”');
          all.href = ROOT + 'search.html?q=' + encodeURIComponent(q);
          box.appendChild(all);
        } else if (results.length === opts.limit) {
          // search.html: more results on demand, so a query loads only what it shows.
          var more = el('button', 'search-more', 'More results');
          more.type = 'button';
          more.addEventListener('click', function () {
            more.disabled = true;
            search(q, opts.limit, items.length).then(function (next) {
              if (mine !== seq) return;
              items = items.concat(addResults(list, next, box.id + '-r', items.length));
              more.disabled = false;
              if (next.length < opts.limit) more.remove();
            }).catch(function () { more.remove(); });
          });
          box.appendChild(more);
        }
        if (opts.status) {
          opts.status(results.length ? (results.length === opts.limit ? 'Results' : results.length + (results.length === 1 ? ' result' : ' results')) + ' for “' + q + '”' : 'No results for “' + q + '”');
        }
      }).catch(function (e) {
        if (mine !== seq) return;
        while (box.firstChild) box.removeChild(box.firstChild);
        box.appendChild(el('p', 'search-error', 'Search is unavailable: ' + e.message));
        if (opts.popup) box.hidden = false;
      });
    }

    input.addEventListener('focus', function () { manifest().catch(function () {}); });
    input.addEventListener('input', run);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && items.length) {
        e.preventDefault();
        select(Math.min(current + 1, items.length - 1));
      } else if (e.key === 'ArrowUp' && items.length) {
        e.preventDefault();
        select(Math.max(current - 1, -1));
      } else if (e.key === 'Enter' && current >= 0 && items[current]) {
        e.preventDefault();
        window.location.href = items[current].querySelector('a').href;
      } else if (e.key === 'Escape' && opts.popup) {
        box.hidden = true;
        select(-1);
      }
    });
    return run;
  }

  /* ---- Wiring the page ----------------------------------------------------- */

  function init() {
    var form = document.querySelector('form.site-search');
    var headerInput = form && form.querySelector('input[name="q"]');
    if (form && headerInput) {
      form.hidden = false;
      var popup = form.querySelector('.search-popup');
      attach(headerInput, popup, { popup: true, limit: POPUP_RESULTS });
      document.addEventListener('click', function (e) {
        if (!form.contains(e.target)) popup.hidden = true;
      });
    }
    // "/" focuses the box, unless the reader is typing somewhere.
    document.addEventListener('keydown', function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        var box = document.getElementById('search-page-q') || headerInput;
        if (box) { e.preventDefault(); box.focus(); }
      }
    });

    // search.html: read ?q=, show results on load, keep the address in step.
    var pageInput = document.getElementById('search-page-q');
    if (pageInput) {
      var status = document.getElementById('search-page-status');
      var q = '';
      try { q = new URLSearchParams(window.location.search).get('q') || ''; } catch (e) { q = ''; }
      pageInput.value = q;
      var run = attach(pageInput, document.getElementById('search-page-results'), {
        limit: PAGE_RESULTS,
        status: function (s) { status.textContent = s; },
        onQuery: function (text) {
          try {
            history.replaceState(null, '', '?q=' + encodeURIComponent(text));
          } catch (e) { /* file:// may refuse; the address is only a convenience */ }
        }
      });
      if (q) run(); else manifest().catch(function () {});
    }
  }

  // For tests and benchmarks: the same search the box runs, and the files it loaded.
  window.remedySearch = {
    search: search,
    loaded: function () { return loadedFiles.slice(); }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
