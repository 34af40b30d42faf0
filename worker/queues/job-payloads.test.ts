import { describe, expect, it } from 'vitest';
import { jobIdFor } from './job-ids.ts';
import { InvalidJobPayloadError, parseJobPayload } from './job-payloads.ts';

function rejection(run: () => unknown): InvalidJobPayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidJobPayloadError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('job payloads', () => {
  it('accepts ids and returns them unchanged', () => {
    const payload = { tenantId: 'hs:2431623', modelVersion: 'm-2026-02-01', leadIds: ['101', '102'] };
    expect(parseJobPayload('writeback', payload)).toEqual(payload);
  });

  it('refuses a token by name and says that jobs carry ids only', () => {
    const error = rejection(() =>
      parseJobPayload('sync', { tenantId: 'hs:2431623', mode: 'full', reason: 'install', accessToken: 'x' }),
    );
    expect(error.message).toBe(
      'sync job payload rejected: accessToken: not allowed; job payloads carry ids, never tokens or personal data',
    );
  });

  it('refuses personal data: an email value anywhere, and name fields', () => {
    const email = rejection(() =>
      parseJobPayload('score', { tenantId: 'sf:00D000000000001AAA', leadIds: ['ana@example.com'] }),
    );
    expect(email.problems[0]).toBe('leadIds.0: looks like an email address');
    const name = rejection(() =>
      parseJobPayload('route', { tenantId: 'hs:1', modelVersion: 'm-1', leadId: '7', firstName: 'Ana' }),
    );
    expect(name.problems[0]).toBe('firstName: not allowed');
  });

  it('names each bad id and the form it should have', () => {
    const error = rejection(() =>
      parseJobPayload('writeback', { tenantId: 'acme', modelVersion: 'm 1', leadIds: [] }),
    );
    expect(error.problems).toEqual([
      'tenantId: must be "sf:<orgId>" or "hs:<portalId>"',
      'modelVersion: must be a model version such as m-2026-02-01',
      'leadIds: must list at least one id',
    ]);
    expect(
      rejection(() => parseJobPayload('score', { tenantId: 'hs:1', leadIds: ['a/b'] })).problems,
    ).toEqual(['leadIds.0: must be a record id: 1-64 letters, digits, "_" or "-"']);
  });

  it('refuses keys the queue does not know', () => {
    const error = rejection(() => parseJobPayload('train', { tenantId: 'hs:1', reason: 'drift', extra: 1 }));
    expect(error.problems).toEqual(['payload: Unrecognized key: "extra"']);
  });
});

describe('job ids', () => {
  it('are the same for the same work whatever the key or id order, and BullMQ-safe (no ":")', () => {
    const a = jobIdFor('score', { tenantId: 'hs:2431623', leadIds: ['1', '2', '3'] });
    const b = jobIdFor('score', { leadIds: ['3', '1', '2'], tenantId: 'hs:2431623' });
    expect(a).toBe(b);
    expect(a).toMatch(/^score\.hs-2431623\.[0-9a-f]{20}$/);
  });

  it('differ between tenants, queues and work', () => {
    const ids = new Set([
      jobIdFor('score', { tenantId: 'hs:1', leadIds: ['1'] }),
      jobIdFor('score', { tenantId: 'hs:2', leadIds: ['1'] }),
      jobIdFor('score', { tenantId: 'hs:1', leadIds: ['2'] }),
      jobIdFor('maintenance', { tenantId: 'hs:1', task: 'drift' }),
      jobIdFor('maintenance', { tenantId: 'hs:1', task: 'retention' }),
    ]);
    expect(ids.size).toBe(5);
  });
});
