/* html-render.js -- loaded into a copy of each HTML page of the derivations
   by tests/html-render.sh; after layout it writes what is wrong with the
   page, one problem a line, into <pre id="bp-check-result"> (OK when
   nothing is), which the script reads from chromium --dump-dom. */
(function () {
  'use strict';
  /* operator and variable names that must be set upright, as one word */
  var NAMES = ['Softmax', 'softmax', 'labels', 'Labels', 'reshape', 'diag',
               'lse', 'Im', 'Re', 'relu', 'ReLU', 'sigmoid', 'tanh', 'log',
               'exp', 'max', 'NaN'];
  var MATH_FONT = '"TeX Gyre Pagella Math"';

  function tex (node) {
    var m = node.closest ? node.closest ('math') : null;
    var a = m ? m.querySelector ('annotation') : null;
    return a ? a.textContent.replace (/\s+/g, ' ').slice (0, 90) : '?';
  }

  function font_present (family) {
    var ctx = document.createElement ('canvas').getContext ('2d');
    var text = 'mmmmmmmmmmlli \u2211\u222B(){}';
    return ['monospace', 'serif', 'sans-serif'].some (function (generic) {
      ctx.font = '40px ' + generic;
      var w0 = ctx.measureText (text).width;
      ctx.font = '40px ' + family + ', ' + generic;
      return ctx.measureText (text).width !== w0;
    });
  }

  function run () {
    var problems = [];
    var de = document.documentElement;

    /* 1. no horizontal overflow of the page itself */
    if (de.scrollWidth > de.clientWidth) {
      var widest = '', w = 0;
      document.querySelectorAll ('body *').forEach (function (el) {
        var r = el.getBoundingClientRect ();
        if (r.right > w) { w = r.right; widest = el.localName + (el.className ? '.' + el.className : ''); }
      });
      problems.push ('page overflows sideways: scrollWidth ' + de.scrollWidth +
                     ' > clientWidth ' + de.clientWidth + ' (widest: ' + widest + ', right edge ' +
                     Math.round (w) + ')');
    }

    /* 2. names set as runs of single italic letters, or italic names */
    document.querySelectorAll ('math *').forEach (function (el) {
      var kids = el.children, word = '', first = null;
      for (var i = 0; i <= kids.length; i++) {
        var k = kids[i];
        var t = k && k.localName === 'mi' ? k.textContent.trim () : '';
        if (t.length === 1 && /[A-Za-z]/.test (t)) {
          if (!word) first = k;
          word += t;
          continue;
        }
        if (word.length >= 2) {
          NAMES.forEach (function (n) {
            if (word.indexOf (n) >= 0)
              problems.push ('"' + n + '" set as separate letters <mi>' +
                             word.split ('').join ('</mi><mi>') + '</mi> in: ' + tex (first));
          });
          if (word.length >= 3 && el.localName === 'mstyle')
            problems.push ('upright text split into letters "' + word + '" in: ' + tex (first));
        }
        word = '';
      }
    });
    document.querySelectorAll ('math mi').forEach (function (mi) {
      var t = mi.textContent.trim ();
      if (t.length < 2 || NAMES.indexOf (t) < 0) return;
      var variant = mi.getAttribute ('mathvariant') || 'normal';
      if (getComputedStyle (mi).fontStyle === 'italic' || variant !== 'normal')
        problems.push ('"' + t + '" not upright in: ' + tex (mi));
    });

    /* 3. every equation tag inside the page */
    document.querySelectorAll ('.eq-tag').forEach (function (tag) {
      var r = tag.getBoundingClientRect ();
      if (r.width === 0 || r.right > de.clientWidth)
        problems.push ('equation tag ' + tag.textContent + ' cut off (right edge ' +
                       Math.round (r.right) + ' of ' + de.clientWidth + ')');
    });

    /* 4. headings without raw TeX */
    document.querySelectorAll ('h1, h2, h3, h4').forEach (function (h) {
      var t = h.cloneNode (true);
      t.querySelectorAll ('math').forEach (function (m) { m.remove (); });
      if (/[\\$]|_[A-Za-z0-9{]|\^\{/.test (t.textContent))
        problems.push ('raw TeX in heading: ' + h.textContent.trim ());
    });

    /* 5. the math font named in the CSS is there: text set in it, with a
       generic fallback, measures differently from the fallback alone */
    if (document.querySelector ('math') && !font_present (MATH_FONT))
      problems.push ('math font ' + MATH_FONT + ' not available (Debian package fonts-texgyre-math)');

    /* 6. figures drawn */
    document.querySelectorAll ('img').forEach (function (img) {
      if (!img.complete || img.naturalWidth === 0)
        problems.push ('image not loaded: ' + img.getAttribute ('src'));
    });

    /* 7. no raw TeX in the text: an equation pandoc could not convert is
       left as "$$ ... \\cmd ... $$" (code, and the math's own TeX
       annotation, excepted) */
    var walker = document.createTreeWalker (document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest ('math, pre, code, script, style')
               ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var tn; (tn = walker.nextNode ()); ) {
      var raw = tn.textContent.match (/\$\$|\\[A-Za-z]+|\$[^$\s][^$]*\$/);
      if (raw)
        problems.push ('raw TeX in the text: "' + raw[0].slice (0, 40) + '" in: ' +
                       tn.textContent.replace (/\s+/g, ' ').trim ().slice (0, 90));
    }

    /* 8. a worked example never wraps its rows: it scrolls in its box */
    document.querySelectorAll ('pre').forEach (function (p) {
      [p].concat (Array.prototype.slice.call (p.querySelectorAll ('code'))).forEach (function (el) {
        var ws = getComputedStyle (el).whiteSpace;
        if (ws !== 'pre' && p.id !== 'bp-check-result')
          problems.push ('a worked example wraps (white-space: ' + ws + ' on <' + el.localName +
                         '>): ' + p.textContent.trim ().slice (0, 40));
      });
    });

    /* 9. a figure keeps labels one can read: drawn at no less than 3/4 of its
       size (Graphviz's 10 pt labels stay above 10 px), scrolling if need be */
    document.querySelectorAll ('figure img').forEach (function (img) {
      var r = img.getBoundingClientRect ();
      if (img.naturalWidth && r.width < 0.75 * img.naturalWidth)
        problems.push ('figure ' + img.getAttribute ('src') + ' shrunk to ' +
                       Math.round (100 * r.width / img.naturalWidth) + '% of its size');
    });

    /* 10. a table that scrolls keeps its first column in view */
    document.querySelectorAll ('div.table-scroll').forEach (function (box) {
      if (box.scrollWidth <= box.clientWidth) return;
      var cell = box.querySelector ('td, th');
      if (cell && getComputedStyle (cell).position !== 'sticky')
        problems.push ('table scrolls sideways and its first column with it: ' +
                       cell.textContent.trim ().slice (0, 30));
    });

    /* 10b. at a laptop's width (1024 px) every table fits: none scrolls
       (issue 19: the summary's CNN row pushed its last columns away) */
    if (de.clientWidth >= 1000)
      document.querySelectorAll ('div.table-scroll').forEach (function (box) {
        if (box.scrollWidth > box.clientWidth)
          problems.push ('table wider than the page (' + box.scrollWidth + ' > ' +
                         box.clientWidth + ' px): ' +
                         box.textContent.trim ().replace (/\s+/g, ' ').slice (0, 40));
      });

    /* 11. a Russian page says its list keys in Russian (html.lua), in a
       tight list (Plain) and a loose one (Para) alike */
    if (document.documentElement.lang === 'ru')
      document.querySelectorAll ('li, p').forEach (function (el) {
        var m = el.textContent.match (/^\s*(Slides?|Functions?|Tests?):/);
        if (m)
          problems.push ('English key "' + m[1] + ':" on a Russian page: ' +
                         el.textContent.trim ().slice (0, 50));
      });

    /* 12. a sized delimiter (\\Big( of the TeX) drawn at its size, not at
       the normal one: pandoc writes a size without a unit on a
       non-stretchy operator, which Chromium ignores */
    document.querySelectorAll ('math mo[maxsize]').forEach (function (mo) {
      var size = parseFloat (mo.getAttribute ('maxsize'));
      var em = parseFloat (getComputedStyle (mo).fontSize);
      var h = mo.getBoundingClientRect ().height;
      if (size > 1 && h < 0.9 * size * em)
        problems.push ('a delimiter of size ' + size + ' drawn ' + (h / em).toFixed (2) +
                       'em tall in: ' + tex (mo));
    });

    var pre = document.createElement ('pre');
    pre.id = 'bp-check-result';
    pre.textContent = problems.length ? problems.join ('\n') : 'OK';
    document.body.appendChild (pre);
    if (window.parent !== window)   /* laid out in a frame of a given width */
      window.parent.postMessage (pre.textContent, '*');
  }

  window.addEventListener ('load', function () {
    if (document.fonts && document.fonts.ready)
      document.fonts.ready.then (run);
    else
      run ();
  });
}) ();
