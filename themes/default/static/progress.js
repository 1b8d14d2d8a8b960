/* remedy: progress kept in this browser only.
 *
 * When the reader answers "No" (or "Done") on a step, or presses "Mark this step as
 * tried", the step's slug is added to a list in localStorage (it works from file://
 * too); nothing is sent anywhere. The guide page then marks the tried steps, says
 * which they were, offers the next step, and has a button that forgets them.
 * Without JavaScript the pages work as before: the links are plain links and the
 * progress box and the "Mark as tried" button stay hidden.
 * A classic script, no inline code: pages keep working under a strict CSP. */
(function () {
  'use strict';
  var PREFIX = 'remedy-progress:';
  // The theme's words in English (themes/default/i18n/en.toml); a page in another
  // language carries its own as JSON on <body data-strings> (base.html).
  var WORDS = {
    mark_tried: 'Mark this step as tried',
    marked_tried: 'Marked as tried',
    saved_in_browser: 'Saved in this browser.',
    tried: 'Tried',
    progress_tried_one: 'You have tried step {list} in this browser.',
    progress_tried_other: 'You have tried steps {list} in this browser.',
    list_separator: ', ',
    continue_with: 'Continue with step {n}: {title}'
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

  /** A link's own text, without the words only screen readers get ("Step 2: "). */
  function visibleText(link) {
    var text = '';
    for (var n = link.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) text += n.nodeValue;
      else if (n.nodeType === 1 && !n.classList.contains('visually-hidden')) text += n.textContent;
    }
    return text;
  }

  function storage() {
    try {
      var s = window.localStorage;
      var probe = PREFIX + 'probe';
      s.setItem(probe, '1');
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null; // storage refused (private mode, settings): progress is simply not kept
    }
  }

  function load(store, guide) {
    try {
      var list = JSON.parse(store.getItem(PREFIX + guide) || '[]');
      return Array.isArray(list) ? list.filter(function (x) { return typeof x === 'string'; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(store, guide, list) {
    try {
      if (list.length) {
        store.setItem(PREFIX + guide, JSON.stringify(list));
      } else {
        store.removeItem(PREFIX + guide);
      }
    } catch (e) { /* full or refused: nothing to do */ }
  }

  function markTried(store, guide, step) {
    var list = load(store, guide);
    if (list.indexOf(step) < 0) {
      list.push(step);
      save(store, guide, list);
    }
  }

  /* A step page: remember "No" / "Done", offer "Mark this step as tried". */
  function stepPage(store, article) {
    var guide = article.getAttribute('data-guide');
    var step = article.getAttribute('data-step');
    var links = document.querySelectorAll('a[data-tried]');
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener('click', function () { markTried(store, guide, step); });
    }
    var row = document.querySelector('.mark-tried-row');
    var button = row && row.querySelector('.mark-tried');
    var status = row && row.querySelector('.mark-tried-status');
    if (!button) return;
    function show() {
      var tried = load(store, guide).indexOf(step) >= 0;
      button.disabled = tried;
      button.textContent = say(tried ? 'marked_tried' : 'mark_tried');
    }
    button.addEventListener('click', function () {
      markTried(store, guide, step);
      show();
      if (status) status.textContent = say('saved_in_browser');
    });
    show();
    row.hidden = false;
    markOverview(load(store, guide));
  }

  function markOverview(list) {
    var items = document.querySelectorAll('.overview-list li[data-step], .step-list li[data-step]');
    for (var i = 0; i < items.length; i++) {
      var li = items[i];
      var old = li.querySelector('.tried-mark');
      if (old) old.parentNode.removeChild(old);
      li.classList.remove('is-tried');
      if (list.indexOf(li.getAttribute('data-step')) >= 0) {
        var mark = document.createElement('span');
        mark.className = 'tried-mark';
        mark.textContent = say('tried');
        li.appendChild(mark);
        li.classList.add('is-tried');
      }
    }
  }

  /* The guide page: say which steps were tried and offer the next one. */
  function guidePage(store, article) {
    var guide = article.getAttribute('data-guide');
    var box = document.getElementById('progress');
    if (!box) return;
    var text = box.querySelector('.progress-text');
    var next = box.querySelector('.progress-next');
    var clear = box.querySelector('.progress-clear');
    function show() {
      var list = load(store, guide);
      var items = document.querySelectorAll('.step-list li[data-step]');
      var numbers = [];
      var last = -1;
      for (var i = 0; i < items.length; i++) {
        if (list.indexOf(items[i].getAttribute('data-step')) >= 0) {
          numbers.push(String(i + 1));
          last = i;
        }
      }
      markOverview(list);
      if (!numbers.length) {
        box.hidden = true;
        return;
      }
      text.textContent = say(numbers.length > 1 ? 'progress_tried_other' : 'progress_tried_one',
        { list: numbers.join(WORDS.list_separator) });
      var following = items[last + 1];
      var link = following && following.querySelector('a');
      if (link) {
        var a = next.querySelector('a');
        a.href = link.getAttribute('href');
        a.textContent = say('continue_with', { n: last + 2, title: visibleText(link) });
        next.hidden = false;
      } else {
        next.hidden = true;
      }
      box.hidden = false;
    }
    clear.addEventListener('click', function () {
      save(store, guide, []);
      show();
      var heading = document.getElementById('sec-steps');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    });
    show();
  }

  var store = storage();
  if (!store) return;
  var article = document.querySelector('article.step[data-step]');
  if (article) {
    stepPage(store, article);
    return;
  }
  var guide = document.querySelector('article.guide[data-guide]');
  if (guide) guidePage(store, guide);
})();
