import { CliError } from '../cli-error.ts';

export const WINDOW_NAMES = ['train', 'validation', 'test'] as const;
export type WindowName = (typeof WINDOW_NAMES)[number];

/** Shares of the time-ordered rows: the oldest 70% train, the next 10% validate, the newest 20% test. */
export const WINDOW_SHARES: Record<WindowName, number> = { train: 0.7, validation: 0.1, test: 0.2 };

/** Fewest rows a window may have; fewer cannot early-stop, calibrate or measure anything. */
export const MIN_WINDOW_ROWS = 10;

export interface TimeWindow {
  name: WindowName;
  /** 0-based data rows, oldest first (file order among equal times). */
  rows: Int32Array;
  positives: number;
  /** 0-based data rows of the window's oldest and newest rows (-1 when empty), for their time cells. */
  firstRow: number;
  lastRow: number;
}

/**
 * Orders the rows by time (file order breaks ties) and cuts the order at 70% and 80%. Rows that share
 * a time never straddle a cut: a tied group at a cut goes whole to the later window, so every train
 * time is strictly before every validation time, and every validation time strictly before every test
 * time. Rows with a NaN time (skipped) belong to no window.
 */
export function splitByTime(times: Float64Array, labels: ArrayLike<number>): TimeWindow[] {
  const order: number[] = [];
  for (let row = 0; row < times.length; row += 1) if (!Number.isNaN(times[row])) order.push(row);
  order.sort((a, b) => times[a] - times[b] || a - b);
  const total = order.length;
  const firstCut = groupStart(order, times, Math.round(total * WINDOW_SHARES.train));
  const secondCut = groupStart(
    order,
    times,
    Math.round(total * (WINDOW_SHARES.train + WINDOW_SHARES.validation)),
  );
  const bounds: [number, number][] = [
    [0, firstCut],
    [firstCut, Math.max(firstCut, secondCut)],
    [Math.max(firstCut, secondCut), total],
  ];
  return WINDOW_NAMES.map((name, index) => {
    const [start, end] = bounds[index];
    const rows = Int32Array.from(order.slice(start, end));
    let positives = 0;
    for (const row of rows) if (labels[row] > 0) positives += 1;
    return { name, rows, positives, firstRow: rows[0] ?? -1, lastRow: rows[rows.length - 1] ?? -1 };
  });
}

/** Moves a cut back to the first row of the tied group it falls in. */
function groupStart(order: number[], times: Float64Array, cut: number): number {
  let position = Math.min(Math.max(cut, 0), order.length);
  while (position > 0 && position < order.length && times[order[position - 1]] === times[order[position]]) {
    position -= 1;
  }
  return position;
}

/**
 * Refuses windows that cannot do their job, naming the window and its counts: too few rows, or a
 * single class (no early stopping, calibration or AUC without both).
 */
export function checkWindows(windows: TimeWindow[], describeRange: (window: TimeWindow) => string): void {
  for (const window of windows) {
    const rows = window.rows.length;
    const where = rows === 0 ? '' : ` (${describeRange(window)})`;
    if (rows < MIN_WINDOW_ROWS) {
      throw new CliError(
        `leadscore backtest: the ${window.name} window has ${rows} row${rows === 1 ? '' : 's'}${where}; ` +
          `each window needs at least ${MIN_WINDOW_ROWS} (the split is 70% / 10% / 20% of the rows by time, and rows sharing a time at a cut stay together)`,
      );
    }
    if (window.positives === 0 || window.positives === rows) {
      throw new CliError(
        `leadscore backtest: the ${window.name} window has ${window.positives === 0 ? 'no positive' : 'no negative'} label in its ${rows} rows${where}; ` +
          'each window needs both classes',
      );
    }
  }
}
