// Small behaviours shared by list pages: "select all" for batch actions, confirm on danger,
// a new page size shown from the first page at once.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches("select[data-page-size]")) {
    var page = box.form.querySelector("input[name='page']");
    if (page) { page.value = 1; }
    box.form.submit();
    return;
  }
  if (box.matches("select[data-auto-submit]")) {
    box.form.submit();
    return;
  }
  if (box.matches("input[data-check-group]")) {
    document.querySelectorAll("input[data-group='" + box.dataset.checkGroup + "']").forEach(function (el) {
      el.checked = box.checked;
    });
    return;
  }
  if (box.matches("input[data-select-all]")) {
    document.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (el) {
      el.checked = box.checked;
    });
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// The menu button in the top bar (shown on phones) opens and closes the left menu; a button
// marked data-print prints the page. (No inline handlers: the Content-Security-Policy forbids them.)
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
    return;
  }
  var button = event.target.closest(".menu-toggle");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  var open = menu.classList.toggle("open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});

// Each table of the page sits in a box that scrolls sideways on a narrow screen (kexie.css), so
// a wide table never makes the whole page scroll; tables that htmx brings in later get one too.
function wrapTables(root) {
  var tables = Array.prototype.slice.call(root.querySelectorAll("main table"));
  if (root.matches && root.matches("main table")) { tables.push(root); }
  tables.forEach(function (table) {
    if (table.parentElement.closest(".table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentElement.insertBefore(box, table);
    box.appendChild(table);
  });
}
wrapTables(document);
document.addEventListener("htmx:load", function (event) { wrapTables(event.detail.elt); });

// Organisation pickers. A select (or checkbox list) marked data-picker gets a search box above
// it: every word typed must occur in the option's data-search (full path, names, pinyin and
// pinyin initials); other options hide, and a single select moves to the first match. A text box
// marked data-picker-url (scopes too large for a list) asks the server and offers the results.
function pickerWords(text) { return text.trim().toLowerCase().split(/\s+/).filter(Boolean); }
function pickerMatches(words, haystack) {
  return words.every(function (word) { return haystack.indexOf(word) !== -1; });
}
function initSelectPicker(box) {
  if (box.dataset.pickerReady) { return; }
  box.dataset.pickerReady = "1";
  var search = document.createElement("input");
  search.type = "search";
  search.className = "picker-search";
  search.placeholder = box.dataset.picker;
  search.setAttribute("aria-label", box.dataset.picker);
  box.parentNode.insertBefore(search, box);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }  // choosing, not submitting
  });
  search.addEventListener("input", function () {
    var words = pickerWords(search.value);
    if (box.tagName === "SELECT") {
      var first = null;
      Array.prototype.forEach.call(box.options, function (option) {
        if (!option.value) { return; }
        var hit = pickerMatches(words, option.dataset.search || option.text.toLowerCase());
        option.hidden = !hit;
        if (hit && !first) { first = option; }
      });
      if (!box.multiple && words.length && first) {
        var current = box.options[box.selectedIndex];
        if (!current || !current.value || current.hidden) { box.value = first.value; }
      }
      return;
    }
    box.querySelectorAll("input[data-search]").forEach(function (input) {
      var row = input.closest("tr, li, div") || input.parentNode;
      row.hidden = !pickerMatches(words, input.dataset.search);
    });
  });
}
function initTextPicker(input) {
  if (input.dataset.pickerReady) { return; }
  input.dataset.pickerReady = "1";
  var list = document.createElement("datalist");
  list.id = (input.id || input.name) + "-picker-results";
  input.setAttribute("list", list.id);
  input.parentNode.insertBefore(list, input.nextSibling);
  var asked = "";
  input.addEventListener("input", function () {
    var text = input.value.trim();
    if (text.length < 1 || text === asked || text.indexOf(" / ") !== -1) { return; }
    asked = text;
    fetch(input.dataset.pickerUrl + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {results: []}; })
      .then(function (data) {
        if (asked !== text) { return; }  // a later answer is on its way
        list.textContent = "";
        data.results.forEach(function (row) {
          var option = document.createElement("option");
          option.value = row.label;
          list.appendChild(option);
        });
      });
  });
}
// Bars whose length is a number (data-width, in per cent): set here, as the policy forbids style
// attributes in the markup.
function setWidths(root) {
  root.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.dataset.width) || 0)) + "%";
  });
}
setWidths(document);
document.addEventListener("htmx:load", function (event) { setWidths(event.detail.elt); });

function initPickers(root) {
  root.querySelectorAll("[data-picker]").forEach(initSelectPicker);
  root.querySelectorAll("input[data-picker-url]").forEach(initTextPicker);
}
initPickers(document);
document.addEventListener("htmx:load", function (event) { initPickers(event.detail.elt); });
