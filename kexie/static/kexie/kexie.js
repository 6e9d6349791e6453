// Small behaviours shared by list pages: "select all" for batch actions, confirm on danger.
document.addEventListener("change", function (event) {
  var box = event.target;
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
