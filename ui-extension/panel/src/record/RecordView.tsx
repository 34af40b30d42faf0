import type { PanelApi } from '../api/client.ts';
import { StateMessage } from '../app/StateMessage.tsx';
import { HistoryChart } from './HistoryChart.tsx';
import { type Notice, recordModel } from './record-model.ts';
import { ScoreGauge, TierBadge } from './ScoreGauge.tsx';
import { type RecordState, useRecord } from './use-record.ts';
import { WhyTable } from './WhyTable.tsx';

function NoticeBox({ notice }: { notice: Notice }) {
  const id = `ls-notice-${notice.kind}`;
  return (
    <section className={`ls-card ls-notice ls-notice-${notice.kind}`} aria-labelledby={id}>
      <h2 id={id} className="ls-notice-title">
        {notice.title}
      </h2>
      <p>{notice.text}</p>
    </section>
  );
}

function whatToDo(status: number, code: string): string {
  if (code === 'SESSION_EXPIRED' || status === 401) return 'Reload the page to sign in again.';
  if (status === 403) return 'Ask your LeadScore admin for access to this CRM account.';
  if (status === 0 || status >= 500)
    return 'Try again in a minute. If it keeps failing, tell your LeadScore admin.';
  return 'Try again. If it keeps failing, tell your LeadScore admin and give them the request id.';
}

export interface RecordPanelProps {
  state: RecordState;
  nowMs: number;
  onRetry: () => void;
}

/** The record view for a state: pure, so every state renders in tests without a browser. */
export function RecordPanel({ state, nowMs, onRetry }: RecordPanelProps) {
  if (state.status === 'loading')
    return (
      <StateMessage tone="loading" title="Loading the score">
        <p>Reading this lead’s score from LeadScore…</p>
      </StateMessage>
    );
  if (state.status === 'not-scored')
    return (
      <StateMessage tone="empty" title="Not scored yet" action={{ label: 'Check again', onClick: onRetry }}>
        <p>
          LeadScore has no score for this record yet. New and changed leads are scored within a few minutes of
          the next sync, which runs at least every 15 minutes; this panel updates when the score arrives.
        </p>
      </StateMessage>
    );
  if (state.status === 'error')
    return (
      <StateMessage
        tone="error"
        title="The score could not be loaded"
        requestId={state.error.requestId}
        action={{ label: 'Try again', onClick: onRetry }}
      >
        <p>{state.error.message}.</p>
        <p>{whatToDo(state.error.status, state.error.code)}</p>
      </StateMessage>
    );
  const model = recordModel(state.record, nowMs);
  const { refreshError } = state;
  return (
    <article className="ls-record" aria-busy={state.refreshing ? 'true' : undefined}>
      {refreshError === undefined ? null : (
        <StateMessage
          tone="error"
          title="The score could not be refreshed"
          requestId={refreshError.requestId}
          action={{ label: 'Try again', onClick: onRetry }}
        >
          <p>{refreshError.message}.</p>
          <p>The score below is the one loaded before. {whatToDo(refreshError.status, refreshError.code)}</p>
        </StateMessage>
      )}
      <div className="ls-record-side">
        <header className="ls-record-head ls-card">
          <h1 className="ls-record-title">Lead score</h1>
          <div className="ls-score">
            <ScoreGauge score={model.score} tier={model.tier} valueText={model.valueText} />
            <div className="ls-score-facts">
              <TierBadge tier={model.tier} label={model.tierLabel} />
              <p className="ls-muted">{model.probabilityText}</p>
              <p className="ls-muted">{model.segmentText}</p>
            </div>
          </div>
        </header>
        {model.notices.map((notice) => (
          <NoticeBox key={notice.kind} notice={notice} />
        ))}
        <section className="ls-card ls-recommendation" aria-labelledby="ls-recommendation-heading">
          <h2 id="ls-recommendation-heading" className="ls-section-title">
            Recommendation
          </h2>
          <p>{model.recommendation}</p>
        </section>
      </div>
      <WhyTable rows={model.rows} />
      <HistoryChart history={model.history} />
      <footer className="ls-card ls-record-foot">
        <p className="ls-model-line">{model.modelLine}</p>
        <p className="ls-muted">{model.scoredLine}</p>
      </footer>
    </article>
  );
}

/** The record view: the lead's score for the CRM id of the page, reloaded on the host's refresh. */
export function RecordView({ api, crmId, refreshKey }: { api: PanelApi; crmId: string; refreshKey: number }) {
  const { state, retry } = useRecord(api, crmId, refreshKey);
  return <RecordPanel state={state} nowMs={Date.now()} onRetry={retry} />;
}
