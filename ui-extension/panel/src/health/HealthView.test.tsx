import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type PanelApi, PanelApiError } from '../api/client.ts';
import { attribute, textOf } from '../settings/markup-queries.ts';
import { HealthPanel, type HealthPanelProps, HealthView } from './HealthView.tsx';
import { rollbackPlan } from './health-model.ts';
import { evaluation, histories, models, names } from './health-test-fixtures.ts';
import type { SyncStatus } from './health-types.ts';

const sync: SyncStatus = {
  objects: [
    { object: 'Lead', cursorUpdatedAt: '2026-12-01T17:50:00.000Z', lagSeconds: 600 },
    { object: 'Task', cursorUpdatedAt: '2026-12-01T16:00:00.000Z', lagSeconds: 7200 },
  ],
  tenant: { status: 'active', reason: null },
  lastError: {
    kind: 'sync.failed',
    message: 'Salesforce answered 503 for the Task query',
    at: '2026-12-01T16:05:00.000Z',
  },
  counts: { leads: 5000, activities: 42000, outcomes: 400, scores: 4800 },
  hygiene: {
    families: { leads: { pages: 3, written: 120, unchanged: 4880, deleted: 2 } },
    rejectedCount: 1,
    linkedPeople: 7,
    firstLoad: { Lead: { pages: 10, records: 5000, done: true } },
    apiUsage: { used: 1200, limit: 15000 },
    lastSuccessAt: '2026-12-01T17:50:00.000Z',
    rejected: [
      {
        object: 'Lead',
        crmId: '00Q000000000009AAA',
        problems: [{ field: 'Email', reason: 'not an email address' }],
      },
    ],
  },
};

function render(overrides: Partial<HealthPanelProps> = {}): string {
  return renderToStaticMarkup(
    <HealthPanel
      models={{ status: 'ready', value: models }}
      settingsNames={names}
      histories={{ status: 'ready', value: histories }}
      sync={{ status: 'ready', value: sync }}
      selected="smb-v2"
      evaluation={{ status: 'ready', value: evaluation }}
      retrain={{ status: 'idle' }}
      rollback={null}
      rolledBack={null}
      canAct
      onSelect={() => {}}
      onRetrain={() => {}}
      onRollBack={() => {}}
      onConfirmRollback={() => {}}
      onCloseRollback={() => {}}
      onReload={() => {}}
      {...overrides}
    />,
  );
}

/** Sections by their heading: `<section aria-labelledby=id>` whose heading with that id has the text. */
function regionNames(markup: string): string[] {
  const names: string[] = [];
  for (const match of markup.matchAll(/<section[^>]*aria-labelledby="([^"]+)"/g)) {
    const id = match[1] ?? '';
    const heading = new RegExp(
      `<h[1-6][^>]*id="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>(.*?)</h[1-6]>`,
    ).exec(markup);
    names.push(textOf(heading?.[1] ?? ''));
  }
  return names;
}

function buttons(markup: string): string[] {
  return [...markup.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map(
    (match) => attribute(match[1] ?? '', 'aria-label') ?? textOf(match[2] ?? ''),
  );
}

describe('the model health page', () => {
  it('has the heading, sections and the Retrain now button the contract names', () => {
    const markup = render();
    const regions = regionNames(markup);
    expect(regions[0]).toBe('Model health');
    expect(regions).toEqual(
      expect.arrayContaining(['Data window', 'Sync', 'Data hygiene', 'Champions and challengers']),
    );
    expect(buttons(markup)).toContain('Retrain now');
    expect(markup).not.toMatch(/\sstyle="/);
  });

  it('lists every version in the Model versions table with metrics and status', () => {
    const markup = render();
    const table = /<table[^>]*aria-label="Model versions"[^>]*>(.*?)<\/table>/.exec(markup)?.[1] ?? '';
    const header = [
      ...(/<thead>(.*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(/<th[^>]*>(.*?)<\/th>/g),
    ].map((cell) => textOf(cell[1] ?? ''));
    expect(header).toEqual([
      'Version',
      'Segment',
      'ROC AUC',
      'PR AUC',
      'Calibration error',
      'Test window',
      'Trained at',
      'Status',
      'Actions',
    ]);
    const rows = [...(/<tbody>(.*?)<\/tbody>/.exec(table)?.[1] ?? '').matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map(
      (row) =>
        [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1] ?? '')),
    );
    expect(rows.map((row) => [row[0], row[7]])).toEqual([
      ['smb-v3', 'Challenger'],
      ['smb-v2', 'Champion'],
      ['smb-v1', 'Retired'],
      ['enterprise-v1', 'Challenger'],
      ['pooled-v1', 'Champion'],
      ['gone-v1', 'Challenger'],
    ]);
    expect(rows[1]?.slice(1, 7)).toEqual([
      'SMB',
      '0.812',
      '0.300',
      '0.021',
      '1,234 (80 converted)',
      '8 Sept 2026, 03:00 UTC',
    ]);
  });

  it('offers a rollback for each non-champion version a rollback can restore', () => {
    const rollbacks = buttons(render()).filter((name) => name.startsWith('Roll back'));
    expect(rollbacks).toEqual(['Roll back SMB to smb-v1']);
    const none = render({
      histories: {
        status: 'ready',
        value: new Map([['smb', { segment: 'smb', champion: 'smb-v2', earlier: [] }]]),
      },
    });
    expect(buttons(none).filter((name) => name.startsWith('Roll back'))).toEqual([]);
    expect(textOf(none)).toContain(
      'No rollback yet: a segment can roll back once a newer version has replaced its champion.',
    );
    expect(
      buttons(render({ canAct: false })).filter(
        (name) => name.startsWith('Roll back') || name === 'Retrain now',
      ),
    ).toEqual([]);
  });

  it('draws the calibration plot and the lift chart of the selected version as named images', () => {
    const markup = render();
    const images = [...markup.matchAll(/<svg[^>]*role="img"[^>]*>/g)].map(
      (match) => attribute(match[0], 'aria-label') ?? '',
    );
    expect(images).toHaveLength(2);
    expect(images[0]).toMatch(/^Calibration plot/);
    expect(images[1]).toMatch(/^Lift by decile/);
    const text = textOf(markup);
    expect(text).toContain('Predicted 6% to 40% (10 examples): 14% predicted on average, 20% converted.');
    expect(text).toContain('Decile 1 (score 95, 2 examples): 50% converted, 3.3× the base rate.');
    expect(text).toContain('Training 1 Jan 2025 to 31 Mar 2026');
    expect(text).toContain('Test 1 Jun 2026 to 31 Aug 2026');
  });

  it('shows sync lag, the last error and the hygiene report', () => {
    const text = textOf(render());
    expect(text).toContain('Lead 1 Dec 2026, 17:50 UTC 10 minutes');
    expect(text).toContain('Task 1 Dec 2026, 16:00 UTC 2 hours (late)');
    expect(text).toContain(
      'Last error (sync.failed), 1 Dec 2026, 16:05 UTC Salesforce answered 503 for the Task query',
    );
    expect(text).toContain('CRM API use: 1,200 of 15,000 calls');
    expect(text).toContain('00Q000000000009AAA Email: not an email address');
  });

  it('opens the rollback in a dialog named Roll back model with Roll back and Cancel', () => {
    const markup = render({
      rollback: {
        segment: 'smb',
        segmentName: 'SMB',
        version: 'smb-v1',
        plan: {
          status: 'ready',
          plan: rollbackPlan('smb-v1', { segment: 'smb', champion: 'smb-v2', earlier: ['smb-v1'] }),
        },
        running: false,
        error: null,
      },
    });
    const dialog = /<div[^>]*role="dialog"[^>]*>/.exec(markup)?.[0] ?? '';
    expect(attribute(dialog, 'aria-modal')).toBe('true');
    const title = new RegExp(
      `id="${(attribute(dialog, 'aria-labelledby') ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>(.*?)</h2>`,
    ).exec(markup);
    expect(textOf(title?.[1] ?? '')).toBe('Roll back model');
    const inDialog = markup.slice(markup.indexOf(dialog));
    expect(buttons(inDialog)).toEqual(['Roll back', 'Cancel']);
    expect(textOf(inDialog)).toContain(
      "smb-v1 becomes the champion of SMB again, replacing smb-v2. The segment's leads are then rescored with it.",
    );
    // A version no rollback can restore: the dialog says why and offers only Cancel.
    const unreachable = render({
      rollback: {
        segment: 'smb',
        segmentName: 'SMB',
        version: 'smb-v3',
        plan: {
          status: 'ready',
          plan: rollbackPlan('smb-v3', { segment: 'smb', champion: 'smb-v2', earlier: ['smb-v1'] }),
        },
        running: false,
        error: null,
      },
    });
    expect(buttons(unreachable.slice(unreachable.indexOf('role="dialog"')))).toEqual(['Cancel']);
  });

  it('reports a rollback in a status containing Rolled back, and a queued retraining', () => {
    const markup = render({
      rolledBack: 'Rolled back SMB to smb-v1, replacing smb-v2. Its leads are being rescored.',
      retrain: { status: 'queued', jobId: 'train.sf-00D.manual' },
    });
    const statuses = [...markup.matchAll(/<p[^>]*role="status"[^>]*>(.*?)<\/p>/g)].map((match) =>
      textOf(match[1] ?? ''),
    );
    expect(statuses.some((text) => text.includes('Rolled back SMB to smb-v1'))).toBe(true);
    expect(statuses.some((text) => text.startsWith('Retraining queued (job train.sf-00D.manual)'))).toBe(
      true,
    );
  });

  it('explains a missing evaluation and starts loading through the API it is given', () => {
    const missing = render({
      evaluation: {
        status: 'error',
        error: new PanelApiError({
          status: 404,
          code: 'not_found',
          message: 'model version "smb-v2" was trained before test windows were kept: retrain to evaluate it',
        }),
      },
    });
    expect(textOf(missing)).toContain(
      'No evaluation for smb-v2: model version "smb-v2" was trained before test windows were kept',
    );
    const calls: string[] = [];
    const api: PanelApi = {
      get: <T,>(path: string) => {
        calls.push(path);
        return new Promise<T>(() => {});
      },
      send: <T,>() => new Promise<T>(() => {}),
      session: { tenantId: 'sf:00D000000000001AAA', userId: 'u', role: 'admin' },
    };
    expect(textOf(renderToStaticMarkup(<HealthView api={api} />))).toContain('Loading the models');
  });
});
