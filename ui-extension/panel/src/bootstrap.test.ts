import { describe, expect, it, vi } from 'vitest';
import {
  BootstrapError,
  parseBootstrap,
  readBootstrap,
  sessionTokenOfHash,
  takeSessionFragment,
} from './bootstrap.ts';

const salesforce = {
  host: 'salesforce',
  view: 'record',
  crmId: '00Q000000000001AAA',
  apiBase: 'http://localhost:3000/api/v1',
  session: {
    token: 'abc.def',
    expiresAt: '2026-10-31T12:15:00.000Z',
    tenantId: 'sf:00D000000000001EAA',
    userId: '005000000000001AAA',
    role: 'rep',
  },
};

describe('the panel bootstrap', () => {
  it('reads the JSON the server put in the page', () => {
    const element = { textContent: JSON.stringify(salesforce) };
    const document = {
      getElementById: vi.fn((id: string) => (id === 'leadscore-bootstrap' ? element : null)),
    };
    const bootstrap = readBootstrap(document);
    expect(bootstrap.host).toBe('salesforce');
    expect(bootstrap.session?.role).toBe('rep');
    expect(bootstrap.crmId).toBe('00Q000000000001AAA');
  });

  it('accepts a HubSpot bootstrap without a session and a standalone one without either', () => {
    const hubspot = parseBootstrap(
      JSON.stringify({
        host: 'hubspot',
        view: 'record',
        crmId: '51',
        apiBase: 'http://localhost:3000/api/v1',
        hubspot: { portalId: 12345, userId: 678, fetchBridge: '/demo/hubspot/fetch' },
      }),
    );
    expect(hubspot.hubspot?.fetchBridge).toBe('/demo/hubspot/fetch');
    expect(
      parseBootstrap('{"host":"standalone","view":"settings","apiBase":"https://ls.example/api/v1"}').view,
    ).toBe('settings');
  });

  it('refuses a missing element, bad JSON and wrong fields, naming each field', () => {
    expect(() => parseBootstrap(null)).toThrow(BootstrapError);
    expect(() => parseBootstrap(null)).toThrow(/no LeadScore settings \(<script id="leadscore-bootstrap">\)/);
    expect(() => parseBootstrap('{host:')).toThrow(/not valid JSON/);
    const wrong = { ...salesforce, host: 'zoho', apiBase: '/api/v1' };
    expect(() => parseBootstrap(JSON.stringify(wrong))).toThrow(
      /host .*apiBase must be an absolute http\(s\) URL/s,
    );
    const noSession = { ...salesforce, session: undefined };
    expect(() => parseBootstrap(JSON.stringify(noSession))).toThrow(
      /session is required when host is "salesforce"/,
    );
    const noBridge = { host: 'hubspot', view: 'record', apiBase: 'http://localhost:3000/api/v1' };
    expect(() => parseBootstrap(JSON.stringify(noBridge))).toThrow(
      /hubspot is required when host is "hubspot"/,
    );
  });

  it('takes the #session= token and removes it from the address bar', () => {
    expect(sessionTokenOfHash('#session=abc.def')).toBe('abc.def');
    expect(sessionTokenOfHash('#other=1')).toBeUndefined();
    expect(sessionTokenOfHash('')).toBeUndefined();
    const replaceState = vi.fn();
    const token = takeSessionFragment(
      { hash: '#session=abc.def', pathname: '/panel/', search: '?view=settings' },
      { replaceState, state: null },
    );
    expect(token).toBe('abc.def');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/panel/?view=settings');
    const untouched = vi.fn();
    expect(
      takeSessionFragment(
        { hash: '', pathname: '/panel/', search: '' },
        { replaceState: untouched, state: null },
      ),
    ).toBeUndefined();
    expect(untouched).not.toHaveBeenCalled();
  });
});
