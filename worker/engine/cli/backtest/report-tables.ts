import type { BacktestReport } from './backtest-run.ts';
import { countText, liftText, METRIC_ROWS, metricText, percentText } from './report-format.ts';

/**
 * The report's tables as text cells, defined once: the terminal pads them into columns and the HTML
 * file renders them as tables, so both always show the same figures under the same headings.
 */
export interface TextTable {
  header: string[];
  rows: string[][];
}

type TestFigures = BacktestReport['test'];

export function windowTable(report: BacktestReport): TextTable {
  return {
    header: ['Window', 'Rows', 'Positives', 'Rate', 'From', 'To'],
    rows: report.windows.map((window) => [
      window.name,
      countText(window.rows),
      countText(window.positives),
      percentText(window.positiveRate),
      window.from,
      window.to,
    ]),
  };
}

export function metricTable(test: TestFigures): TextTable {
  return {
    header: ['Metric', 'Model', 'Calibrated'],
    rows: [
      ...METRIC_ROWS.map(({ key, label }) => [
        label,
        metricText(test.model[key]),
        metricText(test.calibrated[key]),
      ]),
      ['top-decile lift', '', liftText(test.topDecileLift)],
      ['base rate', '', percentText(test.baseRate)],
    ],
  };
}

export function thresholdTable(test: TestFigures): TextTable {
  return {
    header: ['Calibrated probability ≥', 'Flagged', 'Precision', 'Recall'],
    rows: test.thresholds.map((row) => [
      row.threshold.toFixed(2),
      countText(row.flagged),
      percentText(row.precision),
      percentText(row.recall),
    ]),
  };
}

/** Lift by decile; the HTML file adds each decile's probability range, the terminal has no room. */
export function decileTable(test: TestFigures, options: { probabilityRange: boolean }): TextTable {
  const header = ['Decile', 'Rows', 'Positives', 'Rate', 'Lift', 'Cumulative recall'];
  return {
    header: options.probabilityRange ? [...header, 'Probability range'] : header,
    rows: test.deciles.map((row) => {
      const cells = [
        String(row.decile),
        countText(row.rows),
        countText(row.positives),
        percentText(row.rate),
        liftText(row.lift),
        percentText(row.cumulativeRecall),
      ];
      return options.probabilityRange
        ? [...cells, `${percentText(row.minProbability)} – ${percentText(row.maxProbability)}`]
        : cells;
    }),
  };
}
