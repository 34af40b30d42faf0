import { type ReactNode, useEffect, useState } from 'react';
import { PanelApiError, type PanelClient } from './api/client.ts';
import { type Connection, connectPanel, type PanelEnvironment } from './app/connect.ts';
import { listenForRefresh } from './app/host-messages.ts';
import { viewHref } from './app/links.ts';
import { PanelNav, viewsFor } from './app/Nav.tsx';
import { StateMessage } from './app/StateMessage.tsx';
import type { PanelBootstrap, PanelView } from './bootstrap.ts';
import { HealthView } from './health/HealthView.tsx';
import { RecordView } from './record/RecordView.tsx';
import { SettingsView } from './settings/SettingsView.tsx';

type ConnectionState = { status: 'connecting' } | Connection | { status: 'failed'; error: PanelApiError };

export function NoSessionMessage() {
  return (
    <StateMessage tone="empty" title="Open LeadScore from a lead record">
      <p>
        This page needs a LeadScore session. Open LeadScore from a lead record in Salesforce or HubSpot, or
        use a link from the LeadScore panel there.
      </p>
    </StateMessage>
  );
}

export function ConnectFailedMessage({ error, onRetry }: { error: PanelApiError; onRetry: () => void }) {
  return (
    <StateMessage
      tone="error"
      title="LeadScore could not sign you in"
      requestId={error.requestId}
      action={{ label: 'Try again', onClick: onRetry }}
    >
      <p>{error.message}.</p>
      <p>If it keeps failing, reload the page or tell your LeadScore admin.</p>
    </StateMessage>
  );
}

export interface PanelShellProps {
  client: PanelClient;
  host: PanelBootstrap['host'];
  initialView: PanelView;
  crmId?: string | undefined;
  refreshKey: number;
}

function CurrentView({
  client,
  view,
  crmId,
  refreshKey,
}: Omit<PanelShellProps, 'host' | 'initialView'> & { view: PanelView }) {
  if (!viewsFor(client.session.role).includes(view))
    return (
      <StateMessage tone="empty" title="For LeadScore admins">
        <p>
          Settings and model health are for admins of this CRM account. Ask an admin if something needs
          changing.
        </p>
      </StateMessage>
    );
  if (view === 'settings') return <SettingsView api={client} />;
  if (view === 'health') return <HealthView api={client} />;
  if (crmId === undefined)
    return (
      <StateMessage tone="empty" title="No lead selected">
        <p>Open LeadScore from a lead or contact record to see its score.</p>
      </StateMessage>
    );
  return <RecordView api={client} crmId={crmId} refreshKey={refreshKey} />;
}

/** Navigation and the current view; views switch inside the frame without reloading it. */
export function PanelShell({ client, host, initialView, crmId, refreshKey }: PanelShellProps) {
  const [view, setView] = useState<PanelView>(initialView);
  return (
    <div className="ls-app" data-host={host}>
      <PanelNav
        current={view}
        role={client.session.role}
        hrefFor={(target) => viewHref(target, client.sessionToken(), crmId)}
        onNavigate={setView}
      />
      <main className="ls-main">
        <CurrentView client={client} view={view} crmId={crmId} refreshKey={refreshKey} />
      </main>
    </div>
  );
}

function asPanelError(error: unknown): PanelApiError {
  return error instanceof PanelApiError
    ? error
    : new PanelApiError({
        status: 0,
        code: 'PANEL_ERROR',
        message: 'The panel could not start: reload the page',
      });
}

/** The whole panel: connects to the API for its host, then shows the shell, or says what to do. */
export function App({
  bootstrap,
  environment,
}: {
  bootstrap: PanelBootstrap;
  environment: PanelEnvironment;
}) {
  const [connection, setConnection] = useState<ConnectionState>({ status: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [refreshKey, setRefreshKey] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger
  useEffect(() => {
    let current = true;
    setConnection({ status: 'connecting' });
    connectPanel(bootstrap, environment).then(
      (connected) => {
        if (current) setConnection(connected);
      },
      (error: unknown) => {
        if (current) setConnection({ status: 'failed', error: asPanelError(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [bootstrap, environment, attempt]);

  useEffect(() => listenForRefresh(environment.parent, () => setRefreshKey((key) => key + 1)), [environment]);

  let content: ReactNode;
  if ('kind' in connection && connection.kind === 'connected')
    return (
      <PanelShell
        client={connection.client}
        host={bootstrap.host}
        initialView={bootstrap.view}
        crmId={bootstrap.crmId}
        refreshKey={refreshKey}
      />
    );
  if ('kind' in connection) content = <NoSessionMessage />;
  else if (connection.status === 'failed')
    content = (
      <ConnectFailedMessage error={connection.error} onRetry={() => setAttempt((count) => count + 1)} />
    );
  else
    content = (
      <StateMessage tone="loading" title="Connecting to LeadScore">
        <p>Signing in with your CRM account…</p>
      </StateMessage>
    );
  return (
    <div className="ls-app" data-host={bootstrap.host}>
      <main className="ls-main">{content}</main>
    </div>
  );
}
