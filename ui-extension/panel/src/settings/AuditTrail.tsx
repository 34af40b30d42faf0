import { useId } from 'react';
import type { AuditState } from './use-settings.ts';

/** Who changed the settings, when, and what: newest first. */
export function AuditTrail({ audit }: { audit: AuditState }) {
  const headingId = useId();
  return (
    <section className="ls-card ls-audit" aria-labelledby={headingId}>
      <h2 id={headingId}>Audit trail</h2>
      {audit.status === 'loading' ? <p className="ls-muted">Loading the changes…</p> : null}
      {audit.status === 'error' ? (
        <p className="ls-field-error">The audit trail could not be loaded: {audit.message}.</p>
      ) : null}
      {audit.status === 'ready' ? (
        <div className="ls-table-scroll">
          <table className="ls-table" aria-label="Audit trail">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">When</th>
                <th scope="col">Version</th>
                <th scope="col">What changed</th>
              </tr>
            </thead>
            <tbody>
              {audit.rows.length === 0 ? (
                <tr>
                  <td colSpan={4} className="ls-muted">
                    No one has changed the settings yet: they are the defaults.
                  </td>
                </tr>
              ) : null}
              {audit.rows.map((row) => (
                <tr key={row.key}>
                  <td>{row.who}</td>
                  <td>{row.when}</td>
                  <td>{row.version}</td>
                  <td>
                    <ul className="ls-changes">
                      {row.changes.map((change) => (
                        <li key={change}>{change}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
