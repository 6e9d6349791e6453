// Person and staff pickers (kexie/people/picker.py). A select marked data-pick-url holds only the
// chosen record(s); this script hides it and shows them as chips under a search box that asks
// the server for at most 20 matches within what the user may pick in this form. Picking a match
// puts it into the select, so the form submits as without the script.
(function () {
  "use strict";

  function chosenOptions(select) {
    return Array.prototype.filter.call(select.options, function (option) { return option.value && option.selected; });
  }

  function renderChosen(select, list) {
    list.textContent = "";
    chosenOptions(select).forEach(function (option) {
      var item = document.createElement("li");
      var text = document.createElement("span");
      text.textContent = option.text;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "pick-remove";
      remove.textContent = "×";
      remove.title = select.dataset.pickRemove;
      remove.setAttribute("aria-label", select.dataset.pickRemove + " " + option.text);
      remove.addEventListener("click", function () {
        option.remove();
        if (!select.multiple) { select.value = ""; }
        renderChosen(select, list);
        select.dispatchEvent(new Event("change", {bubbles: true}));
      });
      item.appendChild(text);
      item.appendChild(remove);
      list.appendChild(item);
    });
    list.hidden = !list.children.length;
  }

  function choose(select, list, row) {
    var value = String(row.id);
    if (!select.multiple) {
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value) { option.remove(); }
      });
    }
    var existing = Array.prototype.find.call(select.options, function (option) { return option.value === value; });
    if (existing) {
      existing.selected = true;
    } else {
      select.appendChild(new Option(row.label, value, true, true));
    }
    renderChosen(select, list);
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function init(select) {
    if (select.dataset.pickReady) { return; }
    select.dataset.pickReady = "1";
    var box = document.createElement("div");
    box.className = "pick";
    var chosen = document.createElement("ul");
    chosen.className = "pick-chosen";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "pick-search";
    search.autocomplete = "off";
    search.placeholder = select.dataset.pickPrompt;
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    search.setAttribute("aria-label", (label ? label.textContent.replace(/[:：]\s*$/, "") + " " : "") + search.placeholder);
    var results = document.createElement("ul");
    results.className = "pick-results";
    results.hidden = true;
    box.appendChild(chosen);
    box.appendChild(search);
    box.appendChild(results);
    select.parentNode.insertBefore(box, select.nextSibling);
    select.hidden = true;
    if (label) {
      label.addEventListener("click", function (event) { event.preventDefault(); search.focus(); });
    }
    renderChosen(select, chosen);

    var asked = "";
    var timer = null;
    var pickFirst = false;  // Enter was pressed before the matches arrived

    function close() { results.hidden = true; }
    function show(rows) {
      // Whom the select already holds is not offered again.
      var held = chosenOptions(select).map(function (option) { return option.value; });
      rows = rows.filter(function (row) { return held.indexOf(String(row.id)) === -1; });
      results.textContent = "";
      if (!rows.length) {
        var none = document.createElement("li");
        none.className = "pick-none";
        none.textContent = select.dataset.pickNone;
        results.appendChild(none);
      }
      rows.forEach(function (row) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pick-result";
        button.textContent = row.label;
        button.addEventListener("click", function () {
          choose(select, chosen, row);
          search.value = "";
          asked = "";
          close();
          search.focus();
        });
        item.appendChild(button);
        results.appendChild(item);
      });
      results.hidden = false;
      if (pickFirst) {
        pickFirst = false;
        var first = results.querySelector("button.pick-result");
        if (first) { first.click(); }
      }
    }
    function ask() {
      var text = search.value.trim();
      if (!text) { asked = ""; close(); return; }
      if (text === asked) { return; }
      asked = text;
      fetch(select.dataset.pickUrl + "&q=" + encodeURIComponent(text), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          if (asked === text) { show(data.results); }  // else a later answer is on its way
        });
    }

    search.addEventListener("input", function () {
      pickFirst = false;
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // choosing, not submitting
        if (search.value.trim() && search.value.trim() === asked && !results.hidden) {
          var first = results.querySelector("button.pick-result");
          if (first) { first.click(); }
        } else if (search.value.trim()) {
          pickFirst = true;  // ask now, and take the first match when it comes
          window.clearTimeout(timer);
          ask();
        }
      } else if (event.key === "ArrowDown") {
        var button = results.querySelector("button.pick-result");
        if (!results.hidden && button) { event.preventDefault(); button.focus(); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(results.querySelectorAll("button.pick-result"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < buttons.length - 1) {
        event.preventDefault();
        buttons[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? buttons[at - 1] : search).focus();
      } else if (event.key === "Escape") {
        close();
        search.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) { close(); }
    });
  }

  function initAll(root) {
    if (root.matches && root.matches("select[data-pick-url]")) { init(root); }
    root.querySelectorAll("select[data-pick-url]").forEach(init);
  }
  initAll(document);
  document.addEventListener("htmx:load", function (event) { initAll(event.detail.elt); });
})();
