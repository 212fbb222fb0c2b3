// The dashboard charts (ECharts). Data comes from data-chart-data attributes (CSP: no inline scripts).
(function () {
  "use strict";
  var YI = 100000000;
  var COLORS = ["#1f4e79", "#2e86c1", "#48c9b0", "#f5b041", "#e74c3c", "#8e44ad"];

  // Names (units, channels, stages) come from reference data that admins type: HTML formatters escape them.
  function escapeHtml(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function yi(value) { return value === null || value === undefined ? null : Math.round(value / YI * 100) / 100; }

  var builders = {
    cumulative: function (data) {
      var series = [
        { name: "当月签约额", type: "bar", barMaxWidth: 28, data: data.monthly.map(yi), itemStyle: { color: "#9ec5e8" } },
        { name: "累计签约额", type: "line", data: data.cumulative.map(yi), smooth: false, symbolSize: 7,
          lineStyle: { width: 3 }, itemStyle: { color: "#1f4e79" } }
      ];
      if (data.target.length) {
        series.push({ name: "目标序时线", type: "line", data: data.target.map(yi), symbol: "none",
          lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#e74c3c" } });
      }
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v.toFixed(2) + " 亿元"; } },
        legend: { top: 0 },
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", name: "亿元" },
        series: series
      };
    },
    funnel: function (data) {
      return {
        tooltip: { trigger: "item", formatter: function (p) { return escapeHtml(p.name) + "：" + p.value + " 个"; } },
        color: COLORS,
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10, minSize: "20%",
          label: { show: true, position: "inside", formatter: "{b}\n{c} 个" }, data: data.stages }]
      };
    },
    funds: function (data) {
      var keys = [["requested", "申请"], ["approved", "下达"], ["disbursed", "拨付"], ["spent", "支出"]];
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v.toFixed(2) + " 亿元"; } },
        legend: { top: 0 },
        color: COLORS,
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.channels, axisLabel: { interval: 0 } },
        yAxis: { type: "value", name: "亿元" },
        series: keys.map(function (pair) { return { name: pair[1], type: "bar", barMaxWidth: 18, data: data[pair[0]].map(yi) }; })
      };
    },
    ranking: function (data) {
      // Bars are the completion rate the ranking is sorted by; the amount is in the tooltip.
      var colours = { ahead: "#198754", behind: "#2e86c1", yellow: "#f5b041", red: "#e74c3c", none: "#adb5bd" };
      var units = data.units.slice().reverse();
      var amounts = data.amounts.slice().reverse().map(yi);
      var rates = data.rates.slice().reverse();
      var levels = data.levels.slice().reverse();
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (items) {
            var i = items[0].dataIndex;
            return escapeHtml(units[i]) + "<br>目标完成率：" +
              (rates[i] === null ? "未设目标" : rates[i].toFixed(1) + "%") + "<br>签约额：" + amounts[i].toFixed(2) + " 亿元";
          } },
        grid: { left: 100, right: 70, top: 28, bottom: 30 },
        xAxis: { type: "value", name: "%" },
        yAxis: { type: "category", data: units, axisLabel: { interval: 0 } },
        series: [{ type: "bar", barMaxWidth: 22,
          data: rates.map(function (rate, i) { return { value: rate, itemStyle: { color: colours[levels[i]] } }; }),
          label: { show: true, position: "right", formatter: function (p) {
            return rates[p.dataIndex] === null ? "未设目标" : rates[p.dataIndex].toFixed(1) + "%";
          } },
          markLine: { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#e74c3c" },
            label: { formatter: "序时 " + data.time_progress + "%" }, data: [{ xAxis: data.time_progress }] } }]
      };
    }
  };

  function drawCharts() {
    if (typeof echarts === "undefined") return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(JSON.parse(el.getAttribute("data-chart-data"))));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    // Charts inside collapsed or resized containers redraw when shown.
    document.addEventListener("shown.bs.collapse", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // Changing the year shows that year at its default date (31 December of a past year, else today).
  function linkPeriodPickers() {
    var year = document.querySelector("[data-period-year]");
    var asOf = document.querySelector("[data-period-as-of]");
    if (!year || !asOf) return;
    year.addEventListener("change", function () {
      asOf.disabled = true;  // leave as_of out of the query
      year.form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(); linkPeriodPickers(); });
})();
