// The organisation tree: the first click on a toggle loads the children (htmx, "click once");
// later clicks fold and unfold them without asking the server again.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".tree .toggle[aria-controls]");
  if (!toggle) return;
  var list = document.getElementById(toggle.getAttribute("aria-controls"));
  var open = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", open ? "false" : "true");
  toggle.textContent = open ? "\u25B8" : "\u25BE";
  if (list && list.dataset.loaded) list.hidden = open;
});
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.target.classList.contains("tree-children")) event.target.dataset.loaded = "1";
});
