// Cell renderers for the tables (dashboard/components/grid.py): band badges, links and rank changes.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.Band = function (props) {
  // the row carries the band key in `band` and its name in the reader's language in `band_name`
  var key = props.data && props.data.band;
  if (!key) return "–";
  return React.createElement("span", { className: "band band-" + key }, props.data.band_name || key);
};

dagcomponentfuncs.Link = function (props) {
  var href = props.data && props.data.href;
  if (!href) return props.value;
  return React.createElement("a", { href: href, className: "grid-link" }, props.value);
};

dagcomponentfuncs.RankChange = function (props) {
  var v = props.value;
  if (v === null || v === undefined) return "–";
  if (v > 0) return React.createElement("span", { className: "up" }, "↑ " + v);
  if (v < 0) return React.createElement("span", { className: "down" }, "↓ " + -v);
  return React.createElement("span", { className: "same" }, "=");
};
