// Import review: clicking an item of the parsed tree marks its span in the source text and
// scrolls the source to it. Spans are offsets in characters (code points), as the parser counts.
(function () {
  var original = null;

  function source() { return document.getElementById("review-source"); }

  function highlight(item) {
    var pre = source();
    if (!pre) { return; }
    if (original === null) { original = Array.from(pre.textContent); }
    var start = parseInt(item.dataset.start, 10), end = parseInt(item.dataset.end, 10);
    if (isNaN(start) || isNaN(end)) { return; }
    var mark = document.createElement("mark");
    mark.className = "source-span";
    mark.textContent = original.slice(start, end).join("");
    pre.replaceChildren(document.createTextNode(original.slice(0, start).join("")), mark,
                        document.createTextNode(original.slice(end).join("")));
    pre.scrollTop = Math.max(0, mark.offsetTop - pre.offsetTop - 40);
    document.querySelectorAll(".review-item.selected").forEach(function (el) { el.classList.remove("selected"); });
    item.classList.add("selected");
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("form, button, a, input, select, summary, details")) { return; }
    var item = event.target.closest(".review-item[data-start]");
    if (item) { highlight(item); }
  });
})();
