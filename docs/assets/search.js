/* Search with Pagefind inside Material's search box and dialog.
   Nothing is fetched until the reader first focuses the box (or opens it with the magnifier,
   "/", "s" or "f"): then pagefind/pagefind.js loads, and with each query only the index
   chunks and page fragments that query needs. Results link to the paragraph that matched.
   Every text from the index is inserted as text: only Pagefind's <mark> survives, rebuilt. */
(function () {
  "use strict";

  var root = document.querySelector("[data-kb-search]");
  if (!root) return;
  var toggle = document.getElementById("__search");
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector("form");
  var status = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var details = root.querySelector(".kb-search-filters");
  var fieldset = root.querySelector(".kb-search-filters__fields");
  var bundleUrl = new URL(root.getAttribute("data-kb-bundle"), document.baseURI).href;
  var siteUrl = new URL(root.getAttribute("data-kb-base") + "/", document.baseURI);

  // Filter names as the generator writes them (data-pagefind-filter), in display order.
  var FILTERS = [
    ["kind", "Page kind"],
    ["administration", "Administration"],
    ["theme", "Theme"],
    ["year", "Year"],
    ["publisher", "Publisher"]
  ];
  var PER_PAGE = 5;       // results shown at once (each fetches its page's fragment); "more" shows the next ones
  var PASSAGES = 3;       // matching passages shown under each result

  var engine = null;      // the loading or loaded Pagefind module (a promise)
  var selects = {};
  var current = 0;        // number of the latest search, so a slow answer never overwrites a newer one
  var results = [];
  var shown = 0;
  var lastKey = JSON.stringify(["", {}]);

  function load() {
    if (!engine) {
      // A large site is indexed as several bundles (see kb/search.py); the first one's
      // kb-bundles.json names the others, which Pagefind merges into one search.
      var manifest = fetch(new URL("kb-bundles.json", bundleUrl).href).then(function (response) {
        if (!response.ok) throw new Error("kb-bundles.json: " + response.status);
        return response.json();
      });
      var settings = { baseUrl: siteUrl.pathname, excerptLength: 24 };
      engine = Promise.all([import(bundleUrl), manifest]).then(function (loaded) {
        var pagefind = loaded[0];
        // No web worker: its script would be one more download before the first results,
        // and a search over the index chunks a query needs is short work for the page itself.
        return pagefind.options({ baseUrl: settings.baseUrl, excerptLength: settings.excerptLength, noWorker: true }).then(function () {
          return pagefind.init();
        }).then(function () {
          return Promise.all(loaded[1].merge.map(function (folder) {
            return pagefind.mergeIndex(new URL(folder, bundleUrl).pathname, settings);
          }));
        }).then(function () {
          return pagefind;
        });
      });
      engine.catch(function () {
        engine = null;
        lastKey = null;  // the next keystroke tries again
        setStatus("Search could not be loaded.");
      });
    }
    return engine;
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    load();
  }

  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    input.blur();
  }

  // The filters' own index files are fetched only when the reader opens "Narrow the results".
  var filtersLoading = null;
  function loadFilters() {
    if (!filtersLoading) {
      filtersLoading = load().then(function (pagefind) {
        return pagefind.filters();
      }).then(function (available) {
        buildFilters(available);
        lastKey = null;  // search again, so each option counts the current results
        run();
      });
      filtersLoading.catch(function () { filtersLoading = null; });
    }
    return filtersLoading;
  }

  function buildFilters(available) {
    FILTERS.forEach(function (entry) {
      var name = entry[0];
      var counts = available[name];
      if (!counts) return;
      var values = Object.keys(counts).sort(function (a, b) {
        // Years newest first; everything else alphabetically, "unknown" last.
        if (name === "year") return b < a ? -1 : b > a ? 1 : 0;
        var ua = a === "unknown", ub = b === "unknown";
        if (ua !== ub) return ua ? 1 : -1;
        return a.localeCompare(b);
      });
      if (!values.length) return;
      var id = "kb-search-filter-" + name;
      var label = document.createElement("label");
      label.className = "kb-search-filters__field";
      label.setAttribute("for", id);
      label.appendChild(document.createTextNode(entry[1]));
      var select = document.createElement("select");
      select.id = id;
      select.name = name;
      select.appendChild(new Option("All", ""));
      values.forEach(function (value) {
        select.appendChild(new Option(value + " (" + counts[value] + ")", value));
      });
      select.addEventListener("change", run);
      label.appendChild(select);
      fieldset.appendChild(label);
      selects[name] = select;
    });
    if (!Object.keys(selects).length) fieldset.textContent = "No filters in this collection.";
  }

  function chosenFilters() {
    var filters = {};
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) filters[name] = selects[name].value;
    });
    return filters;
  }

  function run() {
    var query = input.value.trim();
    var filters = chosenFilters();
    // Typing fires both `input` and `keyup`: search once per change of query or filters.
    var key = JSON.stringify([query, filters]);
    if (key === lastKey) return;
    lastKey = key;
    var number = ++current;
    if (!query && !Object.keys(filters).length) {
      list.textContent = "";
      setStatus("Type to search the collection");
      return;
    }
    setStatus("Searching…");
    load().then(function (pagefind) {
      return pagefind.search(query || null, { filters: filters });
    }).then(function (search) {
      if (number !== current || !search) return;
      counts(search.filters || {});
      results = search.results;
      shown = 0;
      list.textContent = "";
      setStatus(count(results.length));
      return more(number);
    });
  }

  // Each option tells how many of the current results it would keep.
  function counts(available) {
    Object.keys(selects).forEach(function (name) {
      var numbers = available[name] || {};
      Array.prototype.forEach.call(selects[name].options, function (option) {
        if (option.value) option.textContent = option.value + " (" + (numbers[option.value] || 0) + ")";
      });
    });
  }

  function count(n) {
    return n === 0 ? "No matching pages" : n === 1 ? "1 matching page" : n + " matching pages";
  }

  function more(number) {
    var batch = results.slice(shown, shown + PER_PAGE);
    shown += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      if (number !== current) return;
      var old = list.querySelector(".kb-search-more");
      if (old) old.remove();
      pages.forEach(function (data) { list.appendChild(item(data)); });
      if (shown < results.length) {
        var li = document.createElement("li");
        li.className = "md-search-result__item kb-search-more";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "md-search-result__more kb-search-more__button";
        button.textContent = "Show " + Math.min(PER_PAGE, results.length - shown) + " more of " + (results.length - shown);
        button.addEventListener("click", function () {
          var next = list.children.length - 1;
          more(current).then(function () {
            var link = list.children[next] && list.children[next].querySelector("a");
            if (link) link.focus();
          });
        });
        li.appendChild(button);
        list.appendChild(li);
      }
    });
  }

  // Pagefind's excerpts are text with <mark> around the matched words: rebuild them as
  // text nodes and <mark> elements, never as markup. A <template> parses without running anything.
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var out = document.createDocumentFragment();
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  // The paragraph (or heading) a matched word sits in: the last element with an id that starts
  // at or before the word. Article paragraphs carry ids, so quotes link to their exact paragraph.
  function anchorFor(data, location) {
    var best = null;
    (data.anchors || []).forEach(function (anchor) {
      if (anchor.location <= location && (!best || anchor.location >= best.location)) best = anchor;
    });
    return best;
  }

  function passages(data) {
    var subs = (data.sub_results || []).filter(function (sub) { return sub.locations && sub.locations.length; });
    var out = [];
    subs.forEach(function (sub) {
      var anchor = anchorFor(data, sub.locations[0]);
      var url = anchor && anchor.id ? data.url.split("#")[0] + "#" + encodeURIComponent(anchor.id) : sub.url;
      out.push({ url: url, excerpt: sub.excerpt, title: sub.title });
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var title = (data.meta && data.meta.title) || data.url;
    var head = document.createElement("a");
    head.className = "md-search-result__link";
    head.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h2");
    h.textContent = title;
    article.appendChild(h);
    var kind = data.filters && data.filters.kind && data.filters.kind[0];
    if (kind) {
      var tag = document.createElement("span");
      tag.className = "kb-search-kind";
      tag.textContent = kind;
      article.appendChild(tag);
    }
    var found = passages(data);
    if (!found.length) {
      var p = document.createElement("p");
      p.appendChild(excerpt(data.excerpt || ""));
      article.appendChild(p);
    }
    head.appendChild(article);
    li.appendChild(head);
    found.slice(0, PASSAGES).forEach(function (passage) {
      var a = document.createElement("a");
      a.className = "md-search-result__link kb-search-passage";
      a.href = passage.url;
      var div = document.createElement("article");
      div.className = "md-search-result__article md-typeset";
      var p = document.createElement("p");
      p.appendChild(excerpt(passage.excerpt || ""));
      div.appendChild(p);
      a.appendChild(div);
      li.appendChild(a);
    });
    return li;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a, button"));
  }

  function moveFocus(step) {
    var all = links();
    if (!all.length) return;
    var index = all.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
    if (next < 0) { input.focus(); return; }
    all[Math.min(next, all.length - 1)].focus();
  }

  details.hidden = false;
  details.addEventListener("toggle", function () {
    if (details.open) loadFilters();
  });
  input.addEventListener("focus", open);
  // `input` covers typing and pasting; `keyup` too, because an input method (Japanese,
  // Korean) may compose text without an `input` event until its last key is released.
  input.addEventListener("input", run);
  input.addEventListener("keyup", function (event) {
    if (event.key !== "Enter" && event.key.indexOf("Arrow") !== 0 && event.key !== "Escape" && event.key !== "Tab") run();
  });
  input.addEventListener("compositionend", run);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) first.click();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(); input.focus(); }, 0);
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }

  root.addEventListener("keydown", function (event) {
    // Arrow keys belong to a select box or the filters' toggle when one has the focus.
    if (/^(SELECT|SUMMARY)$/.test(event.target.tagName) && event.key !== "Escape") return;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      moveFocus(1);
    } else if (event.key === "ArrowUp" && document.activeElement !== input) {
      event.preventDefault();
      moveFocus(-1);
    }
  });

  // Material's search keys, which its own search plugin would otherwise provide.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      event.preventDefault();
      open();
      input.focus();
    }
  });
})();
