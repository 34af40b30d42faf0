import type { RecordModel } from './record-model.ts';
import { SPARKLINE_SIZE } from './record-model.ts';

/** The score over time, on the full 0-100 scale, named by a sentence that summarises it. */
export function HistoryChart({ history }: { history: RecordModel['history'] }) {
  const last = history.points[history.points.length - 1];
  return (
    <section className="ls-card ls-history" aria-labelledby="ls-history-heading">
      <h2 id="ls-history-heading" className="ls-section-title">
        Score history
      </h2>
      <svg
        className="ls-history-svg"
        role="img"
        aria-label={history.label}
        viewBox={`0 0 ${SPARKLINE_SIZE.width} ${SPARKLINE_SIZE.height}`}
        focusable="false"
      >
        <line
          className="ls-history-baseline"
          x1={SPARKLINE_SIZE.padding}
          x2={SPARKLINE_SIZE.width - SPARKLINE_SIZE.padding}
          y1={SPARKLINE_SIZE.height - SPARKLINE_SIZE.padding}
          y2={SPARKLINE_SIZE.height - SPARKLINE_SIZE.padding}
        />
        {history.points.length > 1 ? <path className="ls-history-line" d={history.path} fill="none" /> : null}
        {last === undefined ? null : <circle className="ls-history-dot" cx={last.x} cy={last.y} r="3" />}
      </svg>
      {history.first !== null && history.last !== null ? (
        <p className="ls-history-range" aria-hidden="true">
          {history.first} → {history.last}
        </p>
      ) : (
        <p className="ls-history-range">No earlier scores yet.</p>
      )}
    </section>
  );
}
