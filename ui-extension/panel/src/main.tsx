import './zod-csp.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { windowParentChannel } from './api/session-sources.ts';
import { StateMessage } from './app/StateMessage.tsx';
import { BootstrapError, readBootstrap, takeSessionFragment } from './bootstrap.ts';
import './theme/standalone.css';
import './theme/salesforce.css';
import './theme/hubspot.css';
import './theme/base.css';

const container = document.getElementById('root');
if (container === null) throw new Error('the panel page has no <div id="root">');
const root = createRoot(container);
// Read before anything else, so the token leaves the address bar at once.
const fragmentToken = takeSessionFragment(window.location, window.history);

try {
  const bootstrap = readBootstrap(document);
  document.documentElement.dataset.host = bootstrap.host;
  const environment = {
    fetch: (input: string, init: RequestInit) => window.fetch(input, init),
    parent: windowParentChannel(window),
    ...(fragmentToken === undefined ? {} : { fragmentToken }),
  };
  root.render(
    <StrictMode>
      <App bootstrap={bootstrap} environment={environment} />
    </StrictMode>,
  );
} catch (error) {
  document.documentElement.dataset.host = 'standalone';
  const message =
    error instanceof BootstrapError ? error.message : 'The panel could not start: reload the page';
  root.render(
    <div className="ls-app" data-host="standalone">
      <main className="ls-main">
        <StateMessage tone="error" title="LeadScore could not start">
          <p>{message}</p>
        </StateMessage>
      </main>
    </div>,
  );
}
