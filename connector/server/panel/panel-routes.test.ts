import { describe, expect, it } from 'vitest';
import { bootstrapScript, insertBootstrap, type PanelBootstrap, panelViewOf } from './panel-routes.ts';

const bootstrap: PanelBootstrap = {
  host: 'standalone',
  view: 'record',
  crmId: '</script><script>alert(1)</script><!--',
  apiBase: 'http://localhost:3000/api/v1',
};

describe('renderPanelPage bootstrap', () => {
  it('escapes < so a value cannot end the script element, and the JSON reads back unchanged', () => {
    const script = bootstrapScript(bootstrap);
    expect(script.startsWith('<script id="leadscore-bootstrap" type="application/json">')).toBe(true);
    const body = script.slice(script.indexOf('>') + 1, script.lastIndexOf('</script>'));
    expect(body).not.toContain('<');
    expect(body).toContain('\\u003c/script>');
    expect(JSON.parse(body)).toEqual(bootstrap);
  });

  it('inserts the bootstrap just before </head> and leaves the rest of the page as built', () => {
    const html =
      '<!doctype html><html><head><title>x</title><script type="module" src="/panel/assets/a.js"></script></HEAD><body></body></html>';
    const page = insertBootstrap(html, { ...bootstrap, crmId: '00Q000000000001AAA' });
    expect(page).toBe(
      `<!doctype html><html><head><title>x</title><script type="module" src="/panel/assets/a.js"></script>${bootstrapScript({ ...bootstrap, crmId: '00Q000000000001AAA' })}\n</HEAD><body></body></html>`,
    );
    expect(() => insertBootstrap('<html><body></body></html>', bootstrap)).toThrow(/no <\/head>/);
  });

  it('accepts only the three views, the record view by default', () => {
    expect(panelViewOf(undefined)).toBe('record');
    expect(panelViewOf('health')).toBe('health');
    expect(panelViewOf('HEALTH')).toBeUndefined();
    expect(panelViewOf(['record'])).toBeUndefined();
  });
});
