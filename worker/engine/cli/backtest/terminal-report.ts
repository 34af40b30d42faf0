import type { BacktestReport } from './backtest-run.ts';
import { countText, liftText, METRIC_ROWS, metricText, percentText } from './report-format.ts';

/** Pads cells into aligned columns: text left, numbers right. */
function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The compact report printed after a backtest. */
export function formatTerminalReport(report: BacktestReport, outputs: string[]): string {
  const { test, model, calibration } = report;
  const parts: string[] = [];
  parts.push(
    `backtest of ${report.data}: label ${report.label}, time ${report.timeColumn}, ${report.features.length} features`,
  );
  if (report.dropped.length > 0) {
    parts.push(
      `dropped as id-like: ${report.dropped.map((column) => `${column.name} (${column.reason})`).join(', ')}`,
    );
  }
  if (report.skipped.rows > 0) {
    const first = report.skipped.first.map((row) => `row ${row.row}: ${row.reason}`).join('; ');
    parts.push(`skipped ${countText(report.skipped.rows)} rows with a bad time (${first})`);
  }
  parts.push(
    table(
      ['window', 'rows', 'positives', 'rate', 'from', 'to'],
      report.windows.map((window) => [
        window.name,
        countText(window.rows),
        countText(window.positives),
        percentText(window.positiveRate),
        window.from,
        window.to,
      ]),
    ),
  );
  const stop = model.stoppedEarly
    ? `early stopping kept ${model.iterations} of at most ${model.maxIterations} iterations`
    : `${model.iterations} iterations (no early stop within ${model.maxIterations})`;
  parts.push(
    `model: ${stop}, best validation ${model.validMetric} ${metricText(model.bestValidMetric ?? Number.NaN)}, trained in ${model.trainSeconds.toFixed(2)} s\n` +
      `calibration: ${calibration.method === 'isotonic' ? 'isotonic regression' : 'Platt scaling'} on the validation window ` +
      `(${countText(calibration.validationPositives)} positives; ${calibration.rule})`,
  );
  parts.push(
    table(
      ['test metrics', 'model', 'calibrated'],
      [
        ...METRIC_ROWS.map(({ key, label }) => [
          label,
          metricText(test.model[key]),
          metricText(test.calibrated[key]),
        ]),
        ['top-decile lift', '', liftText(test.topDecileLift)],
        ['base rate', '', percentText(test.baseRate)],
      ],
    ),
  );
  parts.push(
    table(
      ['calibrated probability ≥', 'flagged', 'precision', 'recall'],
      test.thresholds.map((row) => [
        row.threshold.toFixed(2),
        countText(row.flagged),
        percentText(row.precision),
        percentText(row.recall),
      ]),
    ),
  );
  parts.push(
    table(
      ['decile', 'rows', 'positives', 'rate', 'lift', 'cumulative recall'],
      test.deciles.map((row) => [
        String(row.decile),
        countText(row.rows),
        countText(row.positives),
        percentText(row.rate),
        liftText(row.lift),
        percentText(row.cumulativeRecall),
      ]),
    ),
  );
  if (outputs.length > 0) parts.push(`wrote ${outputs.join(', ')}`);
  return `${parts.join('\n\n')}\n`;
}
