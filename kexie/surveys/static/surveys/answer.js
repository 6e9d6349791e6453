// Skip logic on the answering page: a question with a rule is shown only while the earlier
// question it names is shown and answered with one of the listed values. The server applies the
// same rule to what is sent; this only spares the respondent questions that do not concern them.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("answer-form");
    if (!form) { return; }
    var rules = {};
    try { rules = JSON.parse(form.getAttribute("data-rules") || "{}"); } catch (e) { return; }
    var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
    function chosen(key) {
      var values = [];
      form.querySelectorAll('[name="q_' + key + '"]').forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox")) {
          if (input.checked) { values.push(input.value); }
        } else if (input.value) { values.push(input.value); }
      });
      return values;
    }
    function update() {
      var shown = {};
      blocks.forEach(function (block) {
        var key = block.getAttribute("data-key");
        var rule = rules[key];
        var visible = true;
        if (rule) {
          var values = shown[rule.question] ? chosen(rule.question) : [];
          visible = values.some(function (v) { return rule["in"].indexOf(v) !== -1; });
        }
        block.hidden = !visible;
        shown[key] = visible;
      });
    }
    form.addEventListener("change", update);
    update();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
