import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { App, ConnectFailedMessage, NoSessionMessage, PanelShell } from './App.tsx';
import { PanelApiError, type PanelClient } from './api/client.ts';
import type { ParentChannel } from './api/session-sources.ts';
import { isRefreshMessage, listenForRefresh } from './app/host-messages.ts';
import { viewHref } from './app/links.ts';
import { parseBootstrap } from './bootstrap.ts';

function client(role: 'admin' | 'rep'): PanelClient {
  return {
    get: () => new Promise(() => {}),
    send: () => new Promise(() => {}),
    sessionToken: () => 'tok.en',
    session: { tenantId: 'sf:00D000000000001EAA', userId: '005000000000001AAA', role },
  };
}

const links = (html: string) =>
  [...(html.match(/<nav[^>]*>.*<\/nav>/)?.[0] ?? '').matchAll(/<a [^>]*>(.*?)<\/a>/g)].map((link) => link[1]);

describe('the panel shell', () => {
  it('gives admins a LeadScore navigation with Score, Settings and Model health', () => {
    const html = renderToStaticMarkup(
      <PanelShell
        client={client('admin')}
        host="salesforce"
        initialView="record"
        crmId="00Q1"
        refreshKey={0}
      />,
    );
    expect(html).toMatch(/<nav class="ls-nav" aria-label="LeadScore">/);
    expect(links(html)).toEqual(['Score', 'Settings', 'Model health']);
    expect(html).toContain(
      '<a class="ls-nav-link" href="/panel/?view=record&amp;crmId=00Q1#session=tok.en" aria-current="page">Score</a>',
    );
    expect(html).toContain('href="/panel/?view=settings#session=tok.en"');
    expect(html).toMatch(/^<div class="ls-app" data-host="salesforce">/);
    expect(html).toContain('Loading the score');
  });

  it('shows reps the Score link only, and no admin views', () => {
    const html = renderToStaticMarkup(
      <PanelShell client={client('rep')} host="hubspot" initialView="settings" crmId="51" refreshKey={0} />,
    );
    expect(links(html)).toEqual(['Score']);
    expect(html).toContain('For LeadScore admins');
    expect(html).not.toContain('>Settings</h1>');
  });

  it('opens the settings and model health views for admins', () => {
    const settings = renderToStaticMarkup(
      <PanelShell client={client('admin')} host="standalone" initialView="settings" refreshKey={0} />,
    );
    expect(settings).toMatch(/<h1[^>]*>Settings<\/h1>/);
    expect(settings).toContain('aria-current="page">Settings</a>');
    const health = renderToStaticMarkup(
      <PanelShell client={client('admin')} host="standalone" initialView="health" refreshKey={0} />,
    );
    expect(health).toMatch(/<h1[^>]*>Model health<\/h1>/);
  });

  it('asks for a lead record when the score view has no CRM id', () => {
    const html = renderToStaticMarkup(
      <PanelShell client={client('rep')} host="standalone" initialView="record" refreshKey={0} />,
    );
    expect(html).toContain('No lead selected');
  });

  it('says it is connecting first, in the host’s look', () => {
    const bootstrap = parseBootstrap(
      JSON.stringify({
        host: 'hubspot',
        view: 'record',
        crmId: '51',
        apiBase: 'http://localhost:3000/api/v1',
        hubspot: { portalId: 1, userId: 2, fetchBridge: '/bridge' },
      }),
    );
    const parent: ParentChannel = { post: () => {}, listen: () => () => {} };
    const html = renderToStaticMarkup(
      <App bootstrap={bootstrap} environment={{ fetch: () => new Promise(() => {}), parent }} />,
    );
    expect(html).toMatch(/^<div class="ls-app" data-host="hubspot">/);
    expect(html).toContain('Connecting to LeadScore');
  });

  it('tells a visitor without a session where to open LeadScore', () => {
    const html = renderToStaticMarkup(<NoSessionMessage />);
    expect(html).toContain('Open LeadScore from a lead record in Salesforce or HubSpot');
  });

  it('says why signing in failed, with the request id and a retry', () => {
    const error = new PanelApiError({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'HubSpot signature refused: too old',
      requestId: 'req-9',
    });
    const html = renderToStaticMarkup(<ConnectFailedMessage error={error} onRetry={() => {}} />);
    expect(html).toMatch(/^<section class="ls-state ls-state-error" role="alert"/);
    expect(html).toContain('LeadScore could not sign you in');
    expect(html).toContain('HubSpot signature refused: too old.');
    expect(html).toContain('<code>req-9</code>');
    expect(html).toContain('>Try again</button>');
  });

  it('builds new-tab links with the session in the fragment', () => {
    expect(viewHref('health', 'a.b')).toBe('/panel/?view=health#session=a.b');
    expect(viewHref('record', 'a.b', '00Q 1')).toBe('/panel/?view=record&crmId=00Q+1#session=a.b');
  });
});

describe('refresh messages from the host', () => {
  it('reload only on {type: "leadscore:refresh"}', () => {
    let deliver: (data: unknown) => void = () => {};
    const unsubscribe = vi.fn();
    const parent: ParentChannel = {
      post: () => {},
      listen: (listener) => {
        deliver = listener;
        return unsubscribe;
      },
    };
    const onRefresh = vi.fn();
    const stop = listenForRefresh(parent, onRefresh);
    deliver({ type: 'leadscore:signed-request', signedRequest: 'x' });
    deliver('leadscore:refresh');
    deliver(null);
    expect(onRefresh).not.toHaveBeenCalled();
    deliver({ type: 'leadscore:refresh' });
    expect(onRefresh).toHaveBeenCalledTimes(1);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
    expect(isRefreshMessage({ type: 'leadscore:refresh', extra: 1 })).toBe(true);
  });
});
