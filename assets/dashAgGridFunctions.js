// Formatters for the tables (dashboard/components/grid.py): numbers in the reader's locale, dd/mm/yyyy dates.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

dagfuncs.kpiNumber = function (value, decimals, locale) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
};

dagfuncs.kpiSigned = function (value, decimals, locale) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  var text = dagfuncs.kpiNumber(Math.abs(value), decimals, locale);
  return value > 0 ? "+" + text : value < 0 ? "−" + text : text;
};

dagfuncs.kpiPercent = function (value, decimals, locale) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return dagfuncs.kpiNumber(value * 100, decimals, locale) + " %";
};

function pad(n) { return n < 10 ? "0" + n : "" + n; }

dagfuncs.kpiDate = function (value) {
  if (!value) return "–";
  var p = String(value).slice(0, 10).split("-");
  return p[2] + "/" + p[1] + "/" + p[0];
};

dagfuncs.kpiMoment = function (value) {
  if (!value) return "–";
  var text = String(value);
  return dagfuncs.kpiDate(text) + " " + text.slice(11, 16);
};
