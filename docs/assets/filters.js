/* Articles index: select boxes that hide the rows not matching the chosen administration,
   theme, year and publisher. Without script the page is the plain, complete table. */
(function () {
  "use strict";

  var FIELDS = [
    { key: "administration", label: "Administration", many: true },
    { key: "theme", label: "Theme", many: true },
    { key: "year", label: "Year", many: false },
    { key: "publisher", label: "Publisher", many: false }
  ];

  function matches(row, field, wanted) {
    var value = row.marker.getAttribute("data-kb-" + field.key) || "";
    return field.many ? value.split(" ").indexOf(wanted) !== -1 : value === wanted;
  }

  function build(holder) {
    var options;
    try {
      options = JSON.parse(holder.getAttribute("data-kb-options"));
    } catch (error) {
      return;
    }
    var table = holder.parentNode.querySelector("table");
    if (!table) return;
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      return { tr: tr, marker: tr.querySelector(".kb-row") };
    }).filter(function (row) { return row.marker; });

    var status = document.createElement("p");
    status.className = "kb-filters__status";
    status.setAttribute("role", "status");
    var selects = [];

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = selects.every(function (entry) {
          return !entry.select.value || matches(row, entry.field, entry.select.value);
        });
        row.tr.hidden = !keep;
        if (keep) shown += 1;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " articles.";
    }

    FIELDS.forEach(function (field) {
      var choices = options[field.key] || [];
      if (!choices.length) return;
      var id = "kb-filter-" + field.key;
      var label = document.createElement("label");
      label.className = "kb-filters__field";
      label.setAttribute("for", id);
      label.appendChild(document.createTextNode(field.label));
      var select = document.createElement("select");
      select.id = id;
      select.name = field.key;
      select.appendChild(new Option("All", ""));
      choices.forEach(function (choice) { select.appendChild(new Option(choice[1], choice[0])); });
      select.addEventListener("change", apply);
      label.appendChild(select);
      holder.appendChild(label);
      selects.push({ field: field, select: select });
    });

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "kb-filters__reset";
    reset.textContent = "Show all";
    reset.addEventListener("click", function () {
      selects.forEach(function (entry) { entry.select.value = ""; });
      apply();
    });
    holder.appendChild(reset);
    holder.appendChild(status);
    holder.setAttribute("role", "group");
    holder.setAttribute("aria-label", "Filter the articles");
    holder.classList.add("kb-filters--ready");
    apply();
  }

  function init() {
    var holders = document.querySelectorAll(".kb-filters[data-kb-options]:not(.kb-filters--ready)");
    Array.prototype.forEach.call(holders, build);
  }

  // Material's instant navigation swaps pages without reloading: document$ emits on each.
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
