/**
 * mtlgrad/report: a dependency-free renderer of self-contained HTML reports with inline SVG charts.
 * Every function is pure and returns a string; all user-supplied text is HTML-escaped.
 */

export {
  type IntervalChartOptions,
  type IntervalPoint,
  type IntervalSeries,
  intervalChart,
} from './bands.js';
export { type BarChartOptions, type BarGroup, barChart } from './bars.js';
export { paragraph, type ReportOptions, type ReportSection, renderReport, sideBySide } from './document.js';
export { type ErrorBarChartOptions, type ErrorBarPoint, errorBarChart } from './errorbars.js';
export { formatLogTicks, formatNumber, formatTicks } from './format.js';
export { divergingColor, type HeatmapOptions, heatmap } from './heatmap.js';
export { type LineChartOptions, type LineSeries, lineChart } from './line.js';
export { escapeHtml, type LogTicks, logTicks, niceTicks, PALETTE, type Ticks } from './svg.js';
export { formatCell, type TableColumn, type TableOptions, table } from './table.js';
