// Draws the dashboard's charts from the JSON the page carries (#dashboard-charts), and switches
// each part between its chart and its table.
(function () {
  "use strict";
  var COLOURS = {green: "#2e7d32", amber: "#f9a825", red: "#c62828"};
  var BLUE = "#1565c0", GREY = "#616161";

  function colourSeries(data, names, type, extra) {
    return ["green", "amber", "red"].map(function (key) {
      return Object.assign({name: names[key], type: type, data: data[key], itemStyle: {color: COLOURS[key]}}, extra || {});
    });
  }

  function options(part, data, names) {
    var legend = {top: 0}, tooltip = {trigger: "axis"};
    if (part === "counts") {
      return {tooltip: {trigger: "item"}, legend: legend, series: [{type: "pie", radius: ["35%", "65%"],
        label: {formatter: "{b}: {c}"},
        data: ["green", "amber", "red"].map(function (key) {
          return {name: names[key], value: data.counts[key], itemStyle: {color: COLOURS[key]}};
        })}]};
    }
    if (part === "lead") {
      return {tooltip: tooltip, legend: legend, grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
        xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: data.lead.labels, inverse: true},
        series: colourSeries(data.lead, names, "bar", {stack: "tasks"})};
    }
    if (part === "level") {
      return {tooltip: tooltip, legend: legend, grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.level.labels}, yAxis: {type: "value", max: 100},
        series: [{name: names.average, type: "bar", data: data.level.average, itemStyle: {color: BLUE}},
                 {name: names.filing, type: "bar", data: data.level.filing, itemStyle: {color: GREY}}]};
    }
    if (part === "trend") {
      return {tooltip: tooltip, legend: legend, grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.trend.labels},
        yAxis: [{type: "value", minInterval: 1}, {type: "value", max: 100, axisLabel: {formatter: "{value}%"}}],
        series: colourSeries(data.trend, names, "line").concat([
          {name: names.average, type: "line", yAxisIndex: 1, data: data.trend.average, lineStyle: {type: "dashed"},
           itemStyle: {color: BLUE}}])};
    }
    if (part === "targets") {
      return {tooltip: tooltip, grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
        xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        yAxis: {type: "category", data: data.targets.labels, inverse: true,
                axisLabel: {width: 240, overflow: "truncate"}},
        series: [{name: names.attainment, type: "bar", data: data.targets.attainment.map(function (value) {
          return {value: value, itemStyle: {color: value === null ? GREY : value >= 100 ? COLOURS.green
                                                   : value >= 60 ? COLOURS.amber : COLOURS.red}};
        })}]};
    }
    return null;
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent), charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var option = options(el.dataset.chart, data, data.names);
      if (!option) { return; }
      var rows = el.dataset.chart === "lead" ? data.lead.labels.length
        : el.dataset.chart === "targets" ? data.targets.labels.length : 0;
      el.style.height = Math.max(280, 40 + rows * 28) + "px";
      var chart = window.echarts.init(el);
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-table-toggle]");
    if (!button) { return; }
    var part = button.dataset.tableToggle;
    var table = document.getElementById("table-" + part), chart = document.getElementById("chart-" + part);
    var showTable = table.hidden;
    table.hidden = !showTable;
    if (chart) { chart.hidden = showTable; }
    button.setAttribute("aria-expanded", showTable ? "true" : "false");
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
