import { useId } from 'react';
import { dateTimeText, LATE_SYNC_SECONDS, lagText } from './health-model.ts';
import type { SyncStatus } from './health-types.ts';

const count = new Intl.NumberFormat('en-US');

/** How far behind the CRM each synced object is, the tenant's state and the last error. */
export function SyncSection({ sync }: { sync: SyncStatus }) {
  const headingId = useId();
  return (
    <section className="ls-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Sync</h2>
      {sync.tenant === null ? null : (
        <p>
          Connection: <strong>{sync.tenant.status}</strong>
          {sync.tenant.reason === null ? '' : ` (${sync.tenant.reason})`}
        </p>
      )}
      {sync.objects.length === 0 ? (
        <p className="ls-muted">Nothing has been synced yet: the first sync starts after install.</p>
      ) : (
        <div className="ls-table-scroll">
          <table className="ls-table" aria-label="Sync lag">
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">Synced up to</th>
                <th scope="col">Lag</th>
              </tr>
            </thead>
            <tbody>
              {sync.objects.map((object) => (
                <tr key={object.object}>
                  <th scope="row">{object.object}</th>
                  <td>{dateTimeText(object.cursorUpdatedAt)}</td>
                  <td>
                    {lagText(object.lagSeconds)}
                    {object.lagSeconds > LATE_SYNC_SECONDS ? (
                      <strong className="ls-late"> (late)</strong>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        Stored: {count.format(sync.counts.leads)} leads, {count.format(sync.counts.activities)} activities,{' '}
        {count.format(sync.counts.outcomes)} outcomes, {count.format(sync.counts.scores)} scores.
      </p>
      {sync.lastError === null ? (
        <p>Last error: none.</p>
      ) : (
        <div className="ls-alert-box">
          <p className="ls-alert-title">
            Last error ({sync.lastError.kind}), {dateTimeText(sync.lastError.at)}
          </p>
          <p>{sync.lastError.message}</p>
        </div>
      )}
    </section>
  );
}

/** What the sync wrote, skipped and refused, page counts and API usage. */
export function HygieneSection({ sync }: { sync: SyncStatus }) {
  const headingId = useId();
  const { hygiene } = sync;
  const families = Object.entries(hygiene.families);
  const firstLoad = Object.entries(hygiene.firstLoad);
  return (
    <section className="ls-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Data hygiene</h2>
      <ul className="ls-facts">
        <li>
          Last successful sync:{' '}
          {hygiene.lastSuccessAt === null ? 'none yet' : dateTimeText(hygiene.lastSuccessAt)}
        </li>
        <li>Records refused: {count.format(hygiene.rejectedCount)}</li>
        <li>People linked across objects: {count.format(hygiene.linkedPeople)}</li>
        <li>
          CRM API use:{' '}
          {hygiene.apiUsage === null
            ? 'not reported'
            : `${count.format(hygiene.apiUsage.used)} of ${count.format(hygiene.apiUsage.limit)} calls`}
        </li>
      </ul>
      {families.length === 0 ? null : (
        <div className="ls-table-scroll">
          <table className="ls-table" aria-label="Records synced per object">
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">Pages</th>
                <th scope="col">Written</th>
                <th scope="col">Unchanged</th>
                <th scope="col">Deleted</th>
              </tr>
            </thead>
            <tbody>
              {families.map(([family, numbers]) => (
                <tr key={family}>
                  <th scope="row">{family}</th>
                  <td className="ls-number">{count.format(numbers.pages)}</td>
                  <td className="ls-number">{count.format(numbers.written)}</td>
                  <td className="ls-number">{count.format(numbers.unchanged)}</td>
                  <td className="ls-number">{count.format(numbers.deleted)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {firstLoad.length === 0 ? null : (
        <p>
          First load:{' '}
          {firstLoad
            .map(
              ([object, progress]) =>
                `${object} ${progress.done ? 'done' : 'in progress'} (${count.format(progress.records)} records, ${count.format(progress.pages)} pages)`,
            )
            .join('; ')}
          .
        </p>
      )}
      {hygiene.rejected.length === 0 ? (
        <p className="ls-muted">No record was refused.</p>
      ) : (
        <div className="ls-table-scroll">
          <table className="ls-table" aria-label="Refused records">
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">CRM id</th>
                <th scope="col">Problems</th>
              </tr>
            </thead>
            <tbody>
              {hygiene.rejected.map((record) => (
                <tr key={`${record.object}:${record.crmId}`}>
                  <td>{record.object}</td>
                  <td>
                    <code>{record.crmId}</code>
                  </td>
                  <td>
                    {record.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
