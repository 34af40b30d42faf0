import type { MouseEvent } from 'react';
import type { VersionRow } from './health-model.ts';

export interface VersionsTableProps {
  rows: readonly VersionRow[];
  selected: string | undefined;
  canAct: boolean;
  onSelect: (version: string) => void;
  onRollBack: (row: VersionRow, opener: HTMLElement) => void;
}

/** Every model version with its test-window metrics and its status in its segment. */
export function VersionsTable({ rows, selected, canAct, onSelect, onRollBack }: VersionsTableProps) {
  return (
    <div className="ls-table-scroll">
      <table className="ls-table" aria-label="Model versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Segment</th>
            <th scope="col">ROC AUC</th>
            <th scope="col">PR AUC</th>
            <th scope="col">Calibration error</th>
            <th scope="col">Test window</th>
            <th scope="col">Trained at</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={row.id === selected ? 'ls-row-selected' : undefined}>
              <th scope="row">{row.id}</th>
              <td>{row.segmentName}</td>
              <td className="ls-number">{row.rocAuc}</td>
              <td className="ls-number">{row.prAuc}</td>
              <td className="ls-number">{row.calibrationError}</td>
              <td className="ls-number">{row.testWindow}</td>
              <td>{row.trainedAt}</td>
              <td>
                <span className={`ls-status ls-status-${row.status.toLowerCase()}`}>{row.status}</span>
              </td>
              <td className="ls-actions">
                <button
                  type="button"
                  className="ls-button ls-button-secondary ls-button-small"
                  aria-pressed={row.id === selected}
                  aria-label={`Show charts of ${row.id}`}
                  onClick={() => onSelect(row.id)}
                >
                  Charts
                </button>
                {canAct && row.canRollBack ? (
                  <button
                    type="button"
                    className="ls-button ls-button-secondary ls-button-small"
                    onClick={(event: MouseEvent<HTMLButtonElement>) => onRollBack(row, event.currentTarget)}
                  >
                    Roll back {row.segmentName} to {row.id}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
