/* remedy search: the search box in every page's header and the page search.html.
 *
 * Plain classic script (no modules, workers, fetch or WebAssembly), so it works
 * from file:// as well as over http. The index is a set of classic scripts under
 * search/ that call window.__remedySearch (written by src/search/index/, which
 * documents the format); they are added as <script> tags only when the reader
 * first focuses the box or opens search.html, and a query loads only the shards
 * its words need, the positions of a quoted phrase's words, and the text of the
 * results it shows (one small file per page).
 *
 * Everything shown is built with createElement/textContent: indexed text and the
 * query are never parsed as HTML.
 *
 * The script tag's data-root is the path from the page to the root of its
 * language's pages, where search.html, search/ and the pages results link to are
 * (`../` on fr/g/step.html is fr/): the one search.js serves every language's index.
 * The index's manifest says how that language's queries are cut.
 */
(function () {
  'use strict';

  var script = document.currentScript || document.querySelector('script[data-root]');
  var ROOT = (script && script.getAttribute('data-root')) || '';
  var POPUP_RESULTS = 8;
  var PAGE_RESULTS = 10;
  var SNIPPET_WORDS = 30;
  // Pages that match only some of the query's words: at most this many, after
  // every page that matches them all.
  var PARTIAL_CAP = 5;
  // Other sections of a page shown under its best one: at most this many, each
  // scoring at least SECTION_SHARE of the best.
  var MORE_SECTIONS = 2;
  var SECTION_SHARE = 0.5;
  // Score factors by how a query word matched a key.
  var EXACT = 1;
  var PREFIX = 0.8;
  var TYPO = [1, 0.5, 0.3]; // by edit distance

  /* ---- Loading the index ------------------------------------------------- */

  // The digits of the index's numbers and prefix lengths (index.rs, DIGITS).
  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var store = { manifest: null, shards: {}, positions: {}, vocab: {}, docs: {} };
  window.__remedySearch = {
    manifest: function (m) { store.manifest = m; },
    shard: function (n, data) {
      store.shards[n] = { k: unfront(data.keys, data.postings), f: unfront(data.forms, data.stems) };
    },
    positions: function (n, data) { store.positions[n] = data; },
    vocab: function (hex, words) { store.vocab[hex] = words; },
    doc: function (n, record) { store.docs[n] = record; }
  };

  /**
   * Front-coded words (each: a digit, how many leading characters it shares with
   * the previous word, then the rest; see index.rs) and their values, as an
   * object with no prototype (so "__proto__" is a word like any other).
   */
  function unfront(words, values) {
    var out = Object.create(null);
    var prev = '';
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      prev = prev.slice(0, DIGITS.indexOf(w.charAt(0))) + w.slice(1);
      out[prev] = values[i];
    }
    return out;
  }

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

  /** The file whose range holds `key` (firsts[i] is the first key of file i). */
  function fileOf(firsts, key) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function shardOf(key) { return fileOf(store.manifest.shards, key); }

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
  // Chinese, Japanese and Korean letters (tokenize.rs, is_cjk): indexed by pairs.
  var CJK = /[\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{3ffff}]/u;
  // Folding (tokenize.rs, fold): letters spelled out, and accents taken off Latin
  // and Greek letters (a canonical decomposition that is a letter and accents).
  var FOLD = { 'ß': 'ss', 'œ': 'oe', 'æ': 'ae', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ı': 'i' };
  var ACCENTED = /^[a-zA-Z\u0370-\u03ff][\u0300-\u036f]+$/;

  function isCjk(c) { return CJK.test(c) && ALNUM.test(c); }

  function foldChar(c) {
    if (hasOwn.call(FOLD, c)) return FOLD[c];
    var cp = c.codePointAt(0);
    if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) {
      return String.fromCharCode(cp - 0xfee0).toLowerCase();
    }
    if ((cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x1e00 && cp <= 0x1fff)) {
      var d = c.normalize('NFD');
      if (ACCENTED.test(d)) return d.charAt(0);
    }
    return c;
  }

  /** Lowercased text as the index spells it: "Réinitialiser" is "reinitialiser". */
  function fold(text) {
    if (!/[^\x00-\x7f]/.test(text)) return text;
    return Array.from(text).map(foldChar).join('');
  }

  function trimChunk(chunk) {
    var cs = Array.from(chunk);
    var a = 0, b = cs.length;
    while (a < b && !ALNUM.test(cs[a]) && KEEP_LEADING.indexOf(cs[a]) < 0) a++;
    while (b > a && !ALNUM.test(cs[b - 1]) && KEEP_TRAILING.indexOf(cs[b - 1]) < 0) b--;
    return cs.slice(a, b).join('');
  }

  /** A chunk less a leading elided word and its apostrophe ("l'iphone" in French). */
  function stripElision(chunk) {
    var elisions = store.manifest.elisions || [];
    if (!elisions.length) return chunk;
    var m = /['\u2019]/.exec(chunk);
    if (!m) return chunk;
    var rest = chunk.slice(m.index + 1);
    return rest && ALNUM.test(Array.from(rest)[0]) && elisions.indexOf(chunk.slice(0, m.index)) >= 0 ? rest : chunk;
  }

  function keep(word) {
    var cs = Array.from(word);
    var n = cs.length;
    return (n > 1 || /^[0-9]$/.test(word) || (n === 1 && isCjk(word))) && n <= MAX_TERM_CHARS &&
      store.manifest.stop.indexOf(word) < 0;
  }

  /**
   * Query text lowercased and folded, cut at whitespace into chunks; a chunk with
   * CJK letters is cut further into runs of them ({text, cjk: true}) and the text
   * between ({text}).
   */
  function splitChunks(text) {
    var out = [];
    fold(text.normalize('NFC').toLowerCase()).split(/\s+/).forEach(function (chunk) {
      if (!chunk) return;
      if (!CJK.test(chunk)) { out.push({ text: chunk }); return; }
      var cur = '', curCjk = false;
      Array.from(chunk).forEach(function (c) {
        var k = isCjk(c);
        if (cur && k !== curCjk) { out.push({ text: cur, cjk: curCjk }); cur = ''; }
        cur += c;
        curCjk = k;
      });
      if (cur) out.push({ text: cur, cjk: curCjk });
    });
    return out;
  }

  /**
   * The query's terms. Each is {word} for a plain word or {whole, joined, parts}
   * for a chunk with punctuation inside, with `pos`, its chunk's position
   * (counted like tokenize.rs: every chunk with letters or digits, stop words too).
   * A run of CJK letters gives a {word, cjk} term for each pair of neighbours, each
   * at a position of its own: a page must have them all; a lone CJK letter matches
   * every pair it starts.
   */
  function queryTerms(text) {
    var terms = [];
    var pos = 0;
    splitChunks(text).forEach(function (piece) {
      if (piece.cjk) {
        var cs = Array.from(piece.text);
        if (cs.length === 1) terms.push({ word: piece.text, pos: pos++, cjk: true, prefix: true });
        for (var i = 1; i < cs.length; i++) terms.push({ word: cs[i - 1] + cs[i], pos: pos++, cjk: true });
        return;
      }
      var chunk = stripElision(trimChunk(piece.text));
      var parts = chunk.split(NOT_ALNUM).filter(Boolean);
      if (!parts.length) return;
      if (parts.length === 1 && parts[0] === chunk) {
        if (keep(chunk)) terms.push({ word: chunk, pos: pos });
      } else {
        terms.push({ whole: chunk, joined: parts.join(''), parts: parts.filter(keep), pos: pos });
      }
      pos++;
    });
    return terms;
  }

  /**
   * The key a whole text is indexed under when it is an error message: its kept
   * words, unstemmed, each followed by a space, then "=" (tokenize.rs, exact_key).
   */
  function exactKey(text) {
    var words = [];
    fold(text.normalize('NFC').toLowerCase()).split(/\s+/).forEach(function (raw) {
      stripElision(trimChunk(raw)).split(NOT_ALNUM).forEach(function (w) { if (w && keep(w)) words.push(w); });
    });
    return words.length ? words.join(' ') + ' =' : '';
  }

  /**
   * Splits a query into free text and phrases (in double quotes); a phrase is
   * its list of terms, each with its position in the phrase.
   */
  function parseQuery(q) {
    var text = String(q == null ? '' : q).slice(0, 256);
    var phrases = [];
    var free = text.replace(/"([^"]*)"?/g, function (_, p) {
      var terms = queryTerms(p);
      if (terms.length > 1) phrases.push(terms);
      return ' ' + p + ' ';
    });
    // Search as you type: the last word is a prefix unless followed by a space or quote.
    var typing = /[^\s"]$/.test(text);
    var terms = queryTerms(free);
    if (typing && terms.length) {
      var last = terms[terms.length - 1];
      if (last.word) last.prefix = true;
    }
    return { terms: terms, phrases: phrases, exact: exactKey(free) };
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

  var wordMatchCache = new Map(); // 'p:' or 'w:' + word -> Promise of matches

  /** Every match for a plain word (remembered: a repeated query only ranks). */
  function wordMatches(term) {
    var key = (term.prefix ? 'p:' : 'w:') + term.word;
    if (!wordMatchCache.has(key)) {
      var p = findWordMatches(term);
      wordMatchCache.set(key, p);
      p.catch(function () { wordMatchCache.delete(key); });
    }
    return wordMatchCache.get(key);
  }

  /** Every match for a plain word: exact, then prefix; typos when there is neither. */
  function findWordMatches(term) {
    var w = term.word;
    var out = [];
    var need = [shardOf(w)].concat(guessedStems(w).map(shardOf)); // for stemGuess
    var prefix = term.prefix && (w.length >= 2 || term.cjk);
    if (prefix) need = need.concat(shardsWithPrefix(w));
    return loadShards(need).then(function () {
      var forms = [];
      var f = lookup(w).form;
      if (f) forms.push(f);
      return loadShards(forms.map(shardOf));
    }).then(function () {
      exactMatches(w, EXACT, out);
      var found = out.length; // exact and prefix matches, not stem guesses
      if (!out.length) stemGuess(w, out);
      if (prefix) {
        var seen = new Set();
        out.forEach(function (m) { seen.add(m.key); });
        var extra = [];
        shardsWithPrefix(w).forEach(function (n) {
          var s = store.shards[n];
          Object.keys(s.k).forEach(function (k) {
            // (Keys with a space are whole error messages, not words.)
            if (k.lastIndexOf(w, 0) === 0 && k.indexOf(' ') < 0 && !seen.has(k)) { seen.add(k); extra.push(k); }
          });
          Object.keys(s.f).forEach(function (k) {
            if (k.lastIndexOf(w, 0) === 0 && !seen.has(s.f[k])) { seen.add(s.f[k]); extra.push(s.f[k]); }
          });
        });
        extra.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
        return loadShards(extra.slice(0, 50).map(shardOf)).then(function () {
          extra.slice(0, 50).forEach(function (k) {
            if (lookup(k).key) { out.push({ key: k, factor: PREFIX }); found++; }
          });
          return found ? out : typoMatches(w, out);
        });
      }
      // Typos only for a word the site does not have: a typo search loads the
      // vocabulary of the word's first letter, the largest file a query may need.
      return found ? out : typoMatches(w, out);
    });
  }

  /**
   * The stems stemGuess tries for `w`, longest first: the word less a short ending
   * (up to 4 letters, 5 for a word of 9 or more: French "-ation"), at least 4 left.
   */
  function guessedStems(w) {
    var chars = Array.from(w);
    var out = [];
    if (chars.length < 5) return out;
    var cut = chars.length >= 9 ? 5 : 4;
    for (var n = chars.length - 1; n >= Math.max(4, chars.length - cut); n--) out.push(chars.slice(0, n).join(''));
    return out;
  }

  /**
   * A word the site never uses in this form ("completing" where the text says
   * "completed") has no entry mapping it to its stem: try the index's keys that
   * are the word less a short ending, as a stemmer would cut (guessedStems).
   * wordMatches has loaded their shards.
   */
  function stemGuess(w, out) {
    var stems = guessedStems(w);
    for (var i = 0; i < stems.length; i++) {
      if (store.shards[shardOf(stems[i])] && lookup(stems[i]).key) {
        out.push({ key: stems[i], factor: PREFIX });
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
        words = Object.keys(s.k).concat(Object.keys(s.f)).filter(function (k) { return k.indexOf(' ') < 0; });
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

  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT[DIGITS.charAt(d)] = d;
  var decoded = new Map(); // key -> postings
  var decodedPositions = new Map(); // key -> Map(page * 4096 + section -> [position...])

  /** The numbers of a varint string (see src/search/encoding.rs), from `start`. */
  function varints(text, start) {
    var out = [];
    var v = 0, shift = 0;
    for (var i = start; i < text.length; i++) {
      var c = DIGIT[text.charAt(i)];
      if (c >= 32) { v += (c - 32) * Math.pow(2, shift); shift += 5; continue; }
      out.push(v + c * Math.pow(2, shift));
      v = 0;
      shift = 0;
    }
    return out;
  }

  /**
   * A key's postings as {pages, sections, impacts} (arrays of the same length),
   * with `common` set for a very common key whose list holds only its best
   * postings. The index stores page deltas, sections and impacts as varints.
   */
  function decode(key) {
    if (decoded.has(key)) return decoded.get(key);
    var text = lookup(key).key || '';
    var common = text.charAt(0) === '~';
    var nums = varints(text, common ? 1 : 0);
    var out = { pages: [], sections: [], impacts: [], common: common };
    var page = 0;
    for (var i = 0; i + 2 < nums.length; i += 3) {
      page += nums[i];
      out.pages.push(page);
      out.sections.push(nums[i + 1]);
      out.impacts.push(nums[i + 2]);
    }
    decoded.set(key, out);
    return out;
  }

  /* ---- Phrases ----------------------------------------------------------- */

  function positionsFileOf(key) { return fileOf(store.manifest.positions, key); }

  /** Words a phrase term may be indexed under: itself, or a chunk's forms and parts. */
  function phraseWords(term) {
    return term.word ? [term.word] : [term.whole, term.joined].concat(term.parts);
  }

  /**
   * The index keys a phrase term stands for: the word and its stem; for a
   * punctuated chunk, its whole or joined form, else its first part found (all
   * of a chunk's terms share its position).
   */
  function phraseKeys(term) {
    var keys = [];
    function add(w) {
      if (lookup(w).key) keys.push(w);
      var f = lookup(w).form;
      if (f && lookup(f).key) keys.push(f);
    }
    if (term.word) {
      add(term.word);
      return keys;
    }
    add(term.whole);
    add(term.joined);
    for (var i = 0; i < term.parts.length && !keys.length; i++) add(term.parts[i]);
    return keys;
  }

  /** Loads the shards and positions files that phrases need. */
  function loadPhrases(phrases) {
    var words = [];
    phrases.forEach(function (terms) {
      terms.forEach(function (t) { words = words.concat(phraseWords(t)); });
    });
    return loadShards(words.map(shardOf)).then(function () {
      var forms = words.map(function (w) { return lookup(w).form; }).filter(Boolean);
      return loadShards(forms.map(shardOf));
    }).then(function () {
      var files = [];
      phrases.forEach(function (terms) {
        terms.forEach(function (t) {
          phraseKeys(t).forEach(function (k) { files.push('p-' + positionsFileOf(k) + '.js'); });
        });
      });
      return loadAll(files);
    });
  }

  /** A key's positions by (page * 4096 + section), in the order of its postings. */
  function positionsOf(key) {
    if (decodedPositions.has(key)) return decodedPositions.get(key);
    var out = new Map();
    var file = store.positions[positionsFileOf(key)];
    var text = (file && own(file, key)) || '';
    var nums = varints(text, 0);
    var postings = decode(key);
    for (var i = 0, j = 0; i < postings.pages.length && j < nums.length; i++) {
      var n = nums[j++];
      var list = [];
      var p = 0;
      for (var e = 0; e < n; e++) { p += nums[j++]; list.push(p); }
      out.set(postings.pages[i] * 4096 + Math.min(postings.sections[i], 4095), list);
    }
    decodedPositions.set(key, out);
    return out;
  }

  /** One term's positions by section: the union over its keys. */
  function termPositions(term) {
    var keys = phraseKeys(term);
    if (keys.length === 1) return positionsOf(keys[0]);
    var out = new Map();
    keys.forEach(function (k) {
      positionsOf(k).forEach(function (list, sec) {
        out.set(sec, (out.get(sec) || []).concat(list));
      });
    });
    return out;
  }

  /**
   * The sections (page * 4096 + section) where every phrase is found: its words
   * at the same distances as in the phrase (stop words count, like in the text).
   * A Map from page to the set of its matching sections.
   */
  function phraseSections(phrases) {
    var pages = null;
    phrases.forEach(function (terms) {
      var lists = terms.map(termPositions);
      // Start from the word with the fewest sections.
      var order = lists.map(function (_, i) { return i; });
      order.sort(function (a, b) { return lists[a].size - lists[b].size; });
      var first = order[0];
      var found = new Map();
      lists[first].forEach(function (positions, sec) {
        var page = Math.floor(sec / 4096);
        if (pages && !pages.has(page)) return;
        var hit = positions.some(function (p) {
          var start = p - terms[first].pos;
          return order.every(function (i) {
            var at = lists[i].get(sec);
            return at !== undefined && at.indexOf(start + terms[i].pos) >= 0;
          });
        });
        if (!hit) return;
        if (!found.has(page)) found.set(page, new Set());
        found.get(page).add(sec % 4096);
      });
      if (pages) {
        found.forEach(function (secs, page) {
          pages.get(page).forEach(function (s) { secs.add(s); });
        });
      }
      pages = found;
    });
    return pages || new Map();
  }

  /* ---- Ranking ------------------------------------------------------------- */

  /**
   * Ranks pages; returns at most `k` of them. Pages are ordered by: whether the
   * query is exactly one of their error messages, how many query terms they
   * match (very common words aside), fewer typos, then score (impacts times match
   * factor; the metadata section plus the best one). Pages that match only some
   * terms come after all that match every term, and at most PARTIAL_CAP of
   * them. `phrases`, when given, is the Map of phraseSections: other pages are
   * left out, and the sections with the phrase are preferred.
   */
  /**
   * Per-page counters for rank, one slot a page, kept between queries (and
   * zeroed after each for the pages it touched) so that a query allocates
   * nothing per matching page.
   */
  var counters = null;

  function pageCounters() {
    var n = store.manifest.pages;
    if (!counters || counters.last.length < n) {
      counters = {
        last: new Int32Array(n), // 1 + the last term that touched the page; 0 = untouched
        cover: new Uint16Array(n),
        typos: new Uint16Array(n),
        meta: new Float64Array(n),
        best: new Float64Array(n)
      };
    }
    return counters;
  }

  function rank(matched, k, phrases, exactPages) {
    var c = pageCounters();
    var touched = [];
    // Sums of scores by page * 4096 + section, over all terms.
    var sums = new Map();
    // A very common word (pruned postings) is not required to match, unless the
    // query has nothing else.
    var common = matched.map(function (tm) {
      return tm.matches.length > 0 && tm.matches.every(function (m) { return decode(m.key).common; });
    });
    var allCommon = common.every(Boolean);
    // A term that matches nothing at all (a word no page has) is not required.
    var need = 0;
    matched.forEach(function (tm, ti) {
      if (tm.matches.length && (!common[ti] || allCommon)) need++;
    });
    matched.forEach(function (tm, ti) {
      var counts = !common[ti] || allCommon;
      // This term's best score per (page, section), keyed page * 4096 + section
      // (a Map only when several keys may hit one section), and the pages it
      // matches exactly (not only through a typo).
      var best = tm.matches.length > 1 ? new Map() : null;
      var someTypo = tm.matches.some(function (m) { return m.typo; });
      var exactMatch = someTypo ? new Set() : null;
      tm.matches.forEach(function (m) {
        var postings = decode(m.key);
        var pages = postings.pages, sections = postings.sections, impacts = postings.impacts;
        for (var i = 0; i < pages.length; i++) {
          var page = pages[i];
          if (phrases && !phrases.has(page)) continue;
          var key = page * 4096 + Math.min(sections[i], 4095);
          var score = impacts[i] * m.factor;
          if (someTypo && !m.typo) exactMatch.add(page);
          if (!best) {
            add(page, key, score);
            continue;
          }
          var old = best.get(key);
          if (old === undefined || old < score) best.set(key, score);
        }
      });
      if (best) best.forEach(function (score, key) { add(Math.floor(key / 4096), key, score); });

      function add(page, key, score) {
        if (c.last[page] !== ti + 1) {
          if (c.last[page] === 0) touched.push(page);
          c.last[page] = ti + 1;
          if (counts) c.cover[page]++;
          if (someTypo && !exactMatch.has(page)) c.typos[page]++;
        }
        sums.set(key, (sums.get(key) || 0) + score);
      }
    });
    // Each page's metadata score and best section score; a section with a
    // quoted phrase counts double.
    sums.forEach(function (v, key) {
      var page = Math.floor(key / 4096), section = key % 4096;
      if (section === 0) { c.meta[page] = v; return; }
      var inPhrase = phrases && phrases.get(page);
      if (inPhrase && inPhrase.has(section)) sums.set(key, v *= 2);
      if (v > c.best[page]) c.best[page] = v;
    });
    // Keep the best `k` in order (insertion into a short sorted list: cheaper
    // than sorting every matching page of a large site); partial matches apart.
    var full = [], partial = [];
    var fullCap = k, partialCap = Math.min(k, PARTIAL_CAP);
    touched.forEach(function (page) {
      var p = {
        page: page,
        cover: c.cover[page],
        typos: c.typos[page],
        score: c.meta[page] + c.best[page],
        exact: exactPages.has(page)
      };
      var isFull = p.exact || p.cover >= need;
      insert(isFull ? full : partial, p, isFull ? fullCap : partialCap);
      c.last[page] = 0;
      c.cover[page] = 0;
      c.typos[page] = 0;
      c.meta[page] = 0;
      c.best[page] = 0;
    });
    var out = full.concat(partial).slice(0, k);
    // The shown pages' sections: the best, and up to MORE_SECTIONS others that
    // score well.
    var secs = new Map();
    out.forEach(function (p) { secs.set(p.page, []); });
    sums.forEach(function (v, key) {
      var list = secs.get(Math.floor(key / 4096));
      if (list && key % 4096 > 0) list.push({ section: key % 4096, score: v });
    });
    out.forEach(function (p) {
      var list = secs.get(p.page);
      list.sort(function (a, b) { return b.score - a.score || a.section - b.section; });
      var top = list.length ? list[0].score : 0;
      p.sections = list.length ? list.slice(0, 1 + MORE_SECTIONS).filter(function (s, i) {
        return i === 0 || s.score >= SECTION_SHARE * top;
      }).map(function (s) { return s.section; }) : [0];
    });
    return out;
  }

  /** Inserts `p` into the sorted `list`, keeping at most `k`. */
  function insert(list, p, k) {
    if (k <= 0 || (list.length === k && better(list[k - 1], p))) return;
    var i = list.length;
    while (i > 0 && better(p, list[i - 1])) i--;
    list.splice(i, 0, p);
    if (list.length > k) list.pop();
  }

  /** Whether page match `a` ranks above `b`. */
  function better(a, b) {
    return ((a.exact - b.exact) || a.cover - b.cover || b.typos - a.typos || a.score - b.score || b.page - a.page) > 0;
  }

  /** The pages whose error message the whole query is (see exactKey). */
  function exactPagesOf(key) {
    if (!key) return Promise.resolve(new Set());
    return loadShards([shardOf(key)]).then(function () {
      return new Set(lookup(key).key ? decode(key).pages : []);
    });
  }

  /* ---- Results ------------------------------------------------------------- */

  function loadDocs(pages) {
    return loadAll(pages.map(function (p) { return 'd-' + p + '.js'; }));
  }

  /**
   * Searches; resolves to at most `limit` results (after skipping `offset`)
   * {url, title, guide, step, risk, heading, snippet: [[text, highlighted]...],
   * sections: [{url, heading, snippet}]} where `sections` are the page's other
   * matching sections. Loads the text of these results only. Never rejects on a
   * strange query: an empty query gives [].
   */
  function search(q, limit, offset) {
    limit = limit || PAGE_RESULTS;
    offset = offset || 0;
    return manifest().then(function () {
      var parsed = parseQuery(q);
      if (!parsed.terms.length) return [];
      return Promise.all([
        matchTerms(parsed.terms),
        exactPagesOf(parsed.exact),
        parsed.phrases.length ? loadPhrases(parsed.phrases) : null
      ]).then(function (all) {
        var matched = all[0];
        var phrases = parsed.phrases.length ? phraseSections(parsed.phrases) : null;
        var ranked = rank(matched, offset + limit, phrases, all[1]).slice(offset, offset + limit);
        var keys = [];
        matched.forEach(function (tm) {
          tm.matches.forEach(function (m) { keys.push(m.key); });
          if (tm.term.word) keys.push(tm.term.word);
          if (tm.term.whole) keys.push(tm.term.whole);
        });
        return loadDocs(ranked.map(function (p) { return p.page; })).then(function () {
          return ranked.map(function (p) { return result(p, keys); });
        });
      });
    });
  }

  /** A result from a ranked page and its record (d-N.js, see index.rs PageRecord). */
  function result(p, keys) {
    var rec = store.docs[p.page];
    var shown = p.sections.map(function (s) {
      var section = rec.sections[s] || { text: '' };
      var text = section.text || (rec.sections[0] && rec.sections[0].text) || '';
      return {
        url: rec.url + (section.anchor ? '#' + section.anchor : ''),
        heading: section.heading || null,
        snippet: snippet(text, keys)
      };
    });
    return {
      url: shown[0].url,
      title: rec.title,
      guide: rec.guide || '',
      step: rec.step || 0,
      risk: rec.risk || '',
      heading: shown[0].heading,
      snippet: shown[0].snippet,
      sections: shown.slice(1),
      score: p.score
    };
  }

  /**
   * Whether a word of the text matches one of the query's keys: the word, its
   * parts or its parts joined ("Wi-Fi" for `wifi`) start with the key.
   */
  function highlighted(word, keys) {
    var w = trimChunk(fold(word.toLowerCase()));
    if (!w) return false;
    var parts = w.split(NOT_ALNUM).filter(Boolean);
    var forms = [w, parts.join('')].concat(parts);
    return keys.some(function (k) {
      // CJK text has no spaces: a CJK key may be anywhere in a word.
      if (CJK.test(k)) return w.indexOf(k) >= 0;
      return k.length > 1 && forms.some(function (p) { return p.lastIndexOf(k, 0) === 0; });
    });
  }

  /** About 30 words around the first match, as [[text, highlighted], ...]. */
  function snippet(text, keys) {
    // Only words that contain a key's first two letters can match it (a quick
    // test before highlighted()). The text is read word by word up to the first
    // match and SNIPPET_WORDS past it, never split whole.
    var heads = keys.filter(function (k) { return k.length > 1 || CJK.test(k); }).map(function (k) { return k.slice(0, 2); });
    function marked(w) {
      var lower = fold(w.toLowerCase());
      var flat = lower.indexOf('-') >= 0 ? lower.replace(/-/g, '') : lower;
      var maybe = heads.some(function (h) { return lower.indexOf(h) >= 0 || flat.indexOf(h) >= 0; });
      return maybe && highlighted(w, keys);
    }
    var re = /\S+/g;
    var words = []; // the last 8 words before the first match, then the snippet's
    var marks = [];
    var m, skipped = false, found = false, more = false;
    while ((m = re.exec(text))) {
      if (words.length === SNIPPET_WORDS) { more = true; break; }
      var mk = marked(m[0]);
      if (!found && mk) found = true;
      words.push(m[0]);
      marks.push(mk);
      if (!found && words.length > 8) { words.shift(); marks.shift(); skipped = true; }
    }
    if (!found) {
      // No word matches (a synonym, a stem guess): the section's start.
      re.lastIndex = 0;
      words = [];
      marks = [];
      skipped = more = false;
      while ((m = re.exec(text))) {
        if (words.length === SNIPPET_WORDS) { more = true; break; }
        words.push(m[0]);
        marks.push(false);
      }
    }
    var out = [];
    if (skipped) out.push(['… ', false]);
    for (var i = 0; i < words.length; i++) {
      out.push([words[i], marks[i]]);
      if (i + 1 < words.length) out.push([' ', false]);
    }
    if (more) out.push([' …', false]);
    return out;
  }

  /* ---- Showing results ----------------------------------------------------- */

  // The theme's words in English (themes/default/i18n/en.toml); a page in another
  // language carries its own as JSON on <body data-strings> (base.html).
  var WORDS = {
    risk_safe: 'Safe',
    risk_caution: 'Caution',
    risk_destructive: 'Destructive',
    step_number: 'Step {n}',
    search_results: 'Search results',
    search_all_results: 'All results for “{q}”',
    search_no_results: 'No results for “{q}”',
    search_more: 'More results',
    search_results_for: 'Results for “{q}”',
    search_count_one: '{n} result for “{q}”',
    search_count_other: '{n} results for “{q}”',
    search_unavailable: 'Search is unavailable: {error}'
  };
  (function () {
    var own;
    try { own = JSON.parse(document.body.getAttribute('data-strings') || '{}'); } catch (e) { own = {}; }
    for (var k in own) {
      if (Object.prototype.hasOwnProperty.call(WORDS, k) && typeof own[k] === 'string') WORDS[k] = own[k];
    }
  })();

  /** The words of `key` with its {placeholders} filled from `values`. */
  function say(key, values) {
    return WORDS[key].replace(/\{([a-z_]+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : all;
    });
  }
  var RISK_LABELS = { safe: say('risk_safe'), caution: say('risk_caution'), destructive: say('risk_destructive') };

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
    if (r.step) meta.appendChild(el('span', 'search-result-step', say('step_number', { n: r.step })));
    if (RISK_LABELS[r.risk]) {
      meta.appendChild(el('span', 'risk risk-' + r.risk, RISK_LABELS[r.risk]));
    }
    if (meta.childNodes.length) a.appendChild(meta);
    var title = el('span', 'search-result-title', r.title);
    if (r.heading) title.appendChild(el('span', 'search-result-heading', ' › ' + r.heading));
    a.appendChild(title);
    a.appendChild(snippetSpan(r.snippet));
    return a;
  }

  function snippetSpan(snippetParts) {
    var snip = el('span', 'search-result-snippet');
    snippetParts.forEach(function (s) {
      snip.appendChild(s[1] ? el('mark', null, s[0]) : document.createTextNode(s[0]));
    });
    return snip;
  }

  /** A link to another matching section of the same page, under the page's result. */
  function sectionLink(r, s) {
    var a = el('a', 'search-result search-result-section');
    a.href = ROOT + s.url;
    a.appendChild(el('span', 'search-result-title', s.heading ? '› ' + s.heading : r.title));
    a.appendChild(snippetSpan(s.snippet));
    return a;
  }

  /**
   * Adds results to `list`, each page's other sections under it; returns the new
   * links (for arrow keys). In the pop-up (`asOptions`) the links are the listbox's
   * options (the combobox pattern: focus stays in the box, arrows move the choice);
   * on search.html they are plain links that Tab reaches.
   */
  function addResults(list, results, idPrefix, start, asOptions) {
    var items = [];
    function add(li, a, id) {
      if (asOptions) {
        li.setAttribute('role', 'none');
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');
        a.id = id;
        a.tabIndex = -1;
      }
      li.appendChild(a);
      list.appendChild(li);
      items.push(a);
    }
    results.forEach(function (r, i) {
      add(el('li', 'search-result-page'), resultLink(r), idPrefix + (start + i));
      (r.sections || []).forEach(function (s, j) {
        add(el('li', 'search-result-more'), sectionLink(r, s), idPrefix + (start + i) + '-' + (j + 1));
      });
    });
    return items;
  }

  /**
   * Wires an input to a results box: searches as the reader types; arrow keys
   * move through results and Enter opens one.
   */
  function attach(input, box, opts) {
    var seq = 0;
    var items = [];
    var current = -1;

    function expanded(open) {
      if (opts.popup) {
        box.hidden = !open;
        input.setAttribute('aria-expanded', open ? 'true' : 'false');
      }
    }

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
        expanded(false);
        if (opts.status) opts.status('');
        return Promise.resolve();
      }
      return search(q, opts.limit).then(function (results) {
        if (mine !== seq) return;
        while (box.firstChild) box.removeChild(box.firstChild);
        var list = el(opts.popup ? 'ul' : 'ol', 'search-result-list');
        if (opts.popup) {
          list.setAttribute('role', 'listbox');
          list.setAttribute('aria-label', say('search_results'));
        }
        box.appendChild(list);
        items = addResults(list, results, box.id + '-r', 0, opts.popup);
        current = -1;
        if (opts.popup) {
          expanded(true);
          var all = el('a', 'search-all', say(results.length ? 'search_all_results' : 'search_no_results', { q: q }));
          all.href = ROOT + 'search.html?q=' + encodeURIComponent(q);
          box.appendChild(all);
        } else if (results.length === opts.limit) {
          // search.html: more results on demand, so a query loads only what it shows.
          var shown = results.length;
          var more = el('button', 'search-more', say('search_more'));
          more.type = 'button';
          more.addEventListener('click', function () {
            more.disabled = true;
            search(q, opts.limit, shown).then(function (next) {
              if (mine !== seq) return;
              items = items.concat(addResults(list, next, box.id + '-r', shown, false));
              shown += next.length;
              more.disabled = false;
              if (next.length < opts.limit) more.remove();
            }).catch(function () { more.remove(); });
          });
          box.appendChild(more);
        }
        if (opts.status) {
          var n = results.length;
          opts.status(say(!n ? 'search_no_results' : n === opts.limit ? 'search_results_for' : n === 1 ? 'search_count_one' : 'search_count_other', { n: n, q: q }));
        }
      }).catch(function (e) {
        if (mine !== seq) return;
        while (box.firstChild) box.removeChild(box.firstChild);
        box.appendChild(el('p', 'search-error', say('search_unavailable', { error: e.message })));
        expanded(true);
      });
    }

    input.addEventListener('focus', function () { manifest().catch(function () {}); });
    input.addEventListener('input', run);
    input.addEventListener('keydown', function (e) {
      if (!opts.popup) {
        // search.html: the results are links; the down arrow goes to the first one.
        if (e.key === 'ArrowDown' && items.length) {
          e.preventDefault();
          items[0].focus();
        }
        return;
      }
      if (e.key === 'ArrowDown' && items.length) {
        e.preventDefault();
        expanded(true);
        select(Math.min(current + 1, items.length - 1));
      } else if (e.key === 'ArrowUp' && items.length) {
        e.preventDefault();
        select(Math.max(current - 1, -1));
      } else if (e.key === 'Enter' && current >= 0 && items[current]) {
        e.preventDefault();
        window.location.href = items[current].href;
      } else if (e.key === 'Escape') {
        // Closes the results and keeps what was typed (a search box would clear it).
        e.preventDefault();
        expanded(false);
        select(-1);
      }
    });
    return { run: run, close: function () { expanded(false); select(-1); } };
  }

  /* ---- Wiring the page ----------------------------------------------------- */

  function init() {
    var form = document.querySelector('form.site-search');
    var headerInput = form && form.querySelector('input[name="q"]');
    // search.html has its own box: one search box on a page.
    if (form && headerInput && !document.getElementById('search-page-q')) {
      form.hidden = false;
      var header = attach(headerInput, form.querySelector('.search-popup'), { popup: true, limit: POPUP_RESULTS });
      // The results close when the reader leaves the box and its results (a click
      // elsewhere, or Tab), so they never cover what the reader moved on to.
      document.addEventListener('click', function (e) {
        if (!form.contains(e.target)) header.close();
      });
      form.addEventListener('focusout', function (e) {
        if (!e.relatedTarget || !form.contains(e.relatedTarget)) header.close();
      });
    }

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
      if (q) run.run(); else manifest().catch(function () {});
    }
  }

  // For tests and benchmarks: the same search the box runs, the files it loaded,
  // and how a query is cut (tests compare it with tokenize.rs).
  window.remedySearch = {
    search: search,
    loaded: function () { return loadedFiles.slice(); },
    terms: function (q) { return manifest().then(function () { return queryTerms(q); }); }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
