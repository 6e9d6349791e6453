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
