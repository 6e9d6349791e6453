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

// The menu button in the top bar (shown on phones) opens and closes the left menu.
document.addEventListener("click", function (event) {
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
