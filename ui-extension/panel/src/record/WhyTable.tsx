import { BAR_WIDTH, type ScoreRow } from './record-model.ts';

const BAR_HEIGHT = 12;

function Bar({ row }: { row: ScoreRow }) {
  if (row.bar === null) return null;
  return (
    <svg
      className="ls-bar"
      viewBox={`0 0 ${BAR_WIDTH} ${BAR_HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      <line className="ls-bar-axis" x1={BAR_WIDTH / 2} x2={BAR_WIDTH / 2} y1="0" y2={BAR_HEIGHT} />
      {row.bar.width > 0 ? (
        <rect
          className={`ls-bar-${row.bar.direction}`}
          x={row.bar.x}
          y="2"
          width={row.bar.width}
          height={BAR_HEIGHT - 4}
        />
      ) : null}
    </svg>
  );
}

/** "Why this score": Baseline, the five factors, Other factors, and the Score they add up to. */
export function WhyTable({ rows }: { rows: ScoreRow[] }) {
  const body = rows.filter((row) => row.kind !== 'score');
  const total = rows.filter((row) => row.kind === 'score');
  const line = (row: ScoreRow, index: number) => (
    <tr key={`${row.kind}-${index}`} className={`ls-why-row ls-why-${row.kind}`}>
      <th scope="row" className="ls-why-factor">
        {row.label}
      </th>
      <td className={`ls-why-points ls-points-${row.bar?.direction ?? 'none'}`}>{row.pointsText}</td>
      <td className="ls-why-bar">
        <Bar row={row} />
        <span className="ls-visually-hidden">{row.detail}</span>
      </td>
    </tr>
  );
  return (
    <div className="ls-card ls-why-box">
      <table className="ls-why">
        <caption className="ls-why-caption">Why this score</caption>
        <thead>
          <tr>
            <th scope="col">Factor</th>
            <th scope="col" className="ls-why-points">
              Points
            </th>
            <th scope="col" className="ls-why-bar">
              <span className="ls-visually-hidden">Effect</span>
            </th>
          </tr>
        </thead>
        <tbody>{body.map(line)}</tbody>
        <tfoot>{total.map(line)}</tfoot>
      </table>
    </div>
  );
}
