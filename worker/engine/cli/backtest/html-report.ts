import path from 'node:path';
import type { BacktestReport } from './backtest-run.ts';
import { countText, liftText, metricText, percentText } from './report-format.ts';
import { decileTable, metricTable, type TextTable, thresholdTable, windowTable } from './report-tables.ts';
import {
  COLORS,
  calibrationChart,
  escapeHtml,
  liftChart,
  precisionRecallChart,
  rocChart,
  type Series,
} from './svg-charts.ts';
import type { CalibrationBin } from './test-evaluation.ts';

const STYLE = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f1f5f9; --accent: ${COLORS.calibrated}; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: linear-gradient(120deg, #1e1b4b, #3730a3); color: #fff; padding: 28px 0 64px; }
header > div { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header .eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 11px; opacity: .75; margin: 0 0 6px; }
header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; }
header p { margin: 0; opacity: .85; }
main { max-width: 1120px; margin: -44px auto 40px; padding: 0 24px; }
.kpis { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-bottom: 20px; }
.kpi { background: var(--panel); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 4px 16px rgba(15,23,42,.05); }
.kpi dt { color: var(--muted); font-size: 12px; }
.kpi dd { margin: 2px 0 0; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
section.card { background: var(--panel); border-radius: 12px; padding: 20px 22px; margin-bottom: 20px; box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 4px 16px rgba(15,23,42,.05); }
h2 { font-size: 16px; margin: 0 0 4px; }
.lead { color: var(--muted); margin: 0 0 14px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 10px; padding: 12px 12px 6px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.legend { color: var(--muted); font-size: 12px; margin-top: 2px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #eef2f7; } svg .frame { fill: none; stroke: var(--line); }
svg .tick { fill: var(--muted); font-size: 11px; } svg .axis { fill: #334155; font-size: 12px; }
svg .note { fill: var(--muted); font-size: 10.5px; } svg .reference { stroke: #94a3b8; stroke-dasharray: 4 4; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 8px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { color: var(--muted); font-weight: 500; font-size: 12px; }
.tables { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef2ff; color: var(--accent); }
.notes { color: var(--muted); font-size: 12.5px; } .notes li { margin-bottom: 4px; }
footer { text-align: center; color: var(--muted); font-size: 12px; margin: 24px 0 40px; }
@media (max-width: 900px) { .kpis { grid-template-columns: repeat(3, 1fr); } .charts, .tables { grid-template-columns: 1fr; } }
@media print { header { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

function htmlTable(name: string, { header, rows }: TextTable): string {
  const head = header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${escapeHtml(name)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** 95% Wilson score interval of a rate observed as `hits` in `rows`: honest for small bins and rates near 0. */
export function wilsonInterval(hits: number, rows: number): [number, number] {
  const z = 1.96;
  const rate = hits / rows;
  const denominator = 1 + (z * z) / rows;
  const centre = (rate + (z * z) / (2 * rows)) / denominator;
  const half = (z * Math.sqrt((rate * (1 - rate)) / rows + (z * z) / (4 * rows * rows))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function binPoints(bins: CalibrationBin[]): Pick<Series, 'points' | 'sizes' | 'intervals'> {
  const filled = bins.filter((bin) => bin.rows > 0);
  return {
    points: filled.map((bin) => ({ x: bin.meanPredicted, y: bin.observedRate })),
    sizes: filled.map((bin) => bin.rows),
    intervals: filled.map((bin) => wilsonInterval(Math.round(bin.observedRate * bin.rows), bin.rows)),
  };
}

function legend(entries: [string, string][]): string {
  return `<div class="legend">${entries.map(([color, name]) => `<span class="swatch" style="background:${color}"></span>${escapeHtml(name)}`).join('')}</div>`;
}

/** The backtest as one HTML file that opens offline: inline CSS and SVG, no script, no fetched asset. */
export function formatHtmlReport(report: BacktestReport): string {
  const { test, calibration, model } = report;
  const calibratedName = calibration.method === 'isotonic' ? 'isotonic regression' : 'Platt scaling';
  const kpis: [string, string][] = [
    ['ROC AUC', metricText(test.calibrated.rocAuc)],
    ['PR AUC', metricText(test.calibrated.prAuc)],
    ['Top-decile lift', liftText(test.topDecileLift)],
    ['ECE', metricText(test.calibrated.ece)],
    ['Log loss', metricText(test.calibrated.logLoss)],
    ['Base rate', percentText(test.baseRate)],
  ];
  const calibratedBins = binPoints(test.calibrationBins.calibrated);
  const modelBins = binPoints(test.calibrationBins.model);

  const windows = htmlTable('Time windows', windowTable(report));
  const metrics = htmlTable('Test metrics', metricTable(test));
  const thresholds = htmlTable('Precision and recall at thresholds', thresholdTable(test));
  const deciles = htmlTable('Lift by decile', decileTable(test, { probabilityRange: true }));
  const bins = htmlTable('Calibration bins', {
    header: [
      'Calibrated probability',
      'Rows',
      'Positives',
      'Mean predicted',
      'Observed rate',
      '95% interval',
    ],
    rows: test.calibrationBins.calibrated.map((bin) => {
      const hits = Math.round(bin.observedRate * bin.rows);
      const [low, high] = bin.rows === 0 ? [Number.NaN, Number.NaN] : wilsonInterval(hits, bin.rows);
      return [
        `${bin.lower.toFixed(1)} – ${bin.upper.toFixed(1)}`,
        countText(bin.rows),
        bin.rows === 0 ? '–' : countText(hits),
        percentText(bin.meanPredicted),
        percentText(bin.observedRate),
        bin.rows === 0 ? '–' : `${percentText(low)} – ${percentText(high)}`,
      ];
    }),
  });
  const dropped =
    report.dropped.length === 0
      ? 'none'
      : report.dropped.map((column) => `${column.name} (${column.reason})`).join(', ');
  const stop = model.stoppedEarly
    ? `early stopping kept ${model.iterations} of at most ${model.maxIterations} iterations (patience ${model.earlyStoppingRounds})`
    : `${model.iterations} iterations, no early stop within ${model.maxIterations}`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest report · ${escapeHtml(report.label)} by ${escapeHtml(report.timeColumn)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><div>
<p class="eyebrow">LeadScore · time-ordered backtest</p>
<h1>Backtest report</h1>
<p>${escapeHtml(path.basename(report.data))} · label <strong>${escapeHtml(report.label)}</strong> · ordered by <strong>${escapeHtml(report.timeColumn)}</strong> · ${report.features.length} features · test window ${escapeHtml(report.windows[2].from)} to ${escapeHtml(report.windows[2].to)}</p>
</div></header>
<main>
<dl class="kpis" aria-label="Headline test figures">
${kpis.map(([name, value]) => `<div class="kpi"><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('\n')}
</dl>
<section class="card" aria-labelledby="windows-heading">
<h2 id="windows-heading">Data and split</h2>
<p class="lead">Rows sorted by ${escapeHtml(report.timeColumn)}: the oldest 70% train, the next 10% validate (early stopping and calibration), the newest 20% test. Calibration: <span class="pill">${calibratedName}</span> on ${countText(calibration.validationPositives)} validation positives. Model: ${stop}.</p>
${windows}
</section>
<section class="card" aria-labelledby="charts-heading">
<h2 id="charts-heading">Test window</h2>
<p class="lead">Every figure is measured on the ${countText(test.rows)} test rows (${countText(test.positives)} positives), which the model and the calibrator never saw.</p>
<div class="charts">
<figure><figcaption>ROC curve</figcaption>${rocChart(test.rocCurve, metricText(test.calibrated.rocAuc))}${legend([[COLORS.calibrated, `calibrated probability, AUC ${metricText(test.calibrated.rocAuc)}`]])}</figure>
<figure><figcaption>Precision–recall curve</figcaption>${precisionRecallChart(test.prCurve, test.baseRate, metricText(test.calibrated.prAuc))}${legend([[COLORS.calibrated, `calibrated probability, average precision ${metricText(test.calibrated.prAuc)}`]])}</figure>
<figure><figcaption>Calibration (reliability diagram)</figcaption>${calibrationChart(
    { name: 'calibrated', color: COLORS.calibrated, dotsOnly: true, ...calibratedBins },
    { name: 'model before calibration', color: COLORS.model, dotsOnly: true, ...modelBins },
  )}${legend([
    [COLORS.calibrated, `calibrated, ECE ${metricText(test.calibrated.ece)}`],
    [COLORS.model, `before calibration, ECE ${metricText(test.model.ece)}`],
  ])}</figure>
<figure><figcaption>Lift by decile</figcaption>${liftChart(test.deciles.map((row) => row.lift))}${legend([[COLORS.bar, `top decile ${liftText(test.topDecileLift)}× the base rate`]])}</figure>
</div>
</section>
<section class="card" aria-labelledby="figures-heading">
<h2 id="figures-heading">Figures</h2>
<p class="lead">The charts' numbers as text.</p>
<div class="tables">
<div>${metrics}</div>
<div>${thresholds}</div>
</div>
</section>
<section class="card">${deciles}</section>
<section class="card">${bins}</section>
<section class="card notes" aria-labelledby="notes-heading">
<h2 id="notes-heading">How these figures are made</h2>
<ul>
<li>Rows sharing a time at a window boundary go together to the later window, so each window is strictly newer than the one before.</li>
<li>Calibration rule: ${escapeHtml(calibration.rule)}. The calibrator maps the raw score, and its output is kept within [${calibration.bound.toPrecision(2)}, 1 − ${calibration.bound.toPrecision(2)}] (half a validation row's weight) so that an empty isotonic block does not claim certainty; “model” columns show the model's own probability.</li>
<li>ECE: the mean over 10 equal-width probability bins, weighted by rows, of |mean predicted probability − observed rate|.</li>
<li>Deciles rank the test rows by calibrated probability (ties by the raw score, then by time); lift is a decile's rate over the base rate.</li>
<li>PR AUC is average precision; precision is “–” when no row reaches a threshold.</li>
<li>Dropped as id-like: ${escapeHtml(dropped)}.${report.skipped.rows > 0 ? ` Skipped ${countText(report.skipped.rows)} rows with an unreadable time.` : ''}</li>
</ul>
</section>
</main>
<footer>LeadScore backtest · ${countText(report.windows.reduce((sum, window) => sum + window.rows, 0))} rows · learning rate ${report.params.learning_rate}, ${report.params.num_leaves} leaves, seed ${report.params.seed}</footer>
</body>
</html>
`;
}
