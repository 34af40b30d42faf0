import { describe, expect, it } from 'vitest';
import { PanelApiError } from '../api/client.ts';
import { leadRecord } from './record-test-support.ts';
import { afterFailedLoad, failedState, recordPath } from './use-record.ts';

describe('loading a record', () => {
  it('reads the record route by CRM id, encoding the id', () => {
    expect(recordPath('00Q000000000001AAA')).toBe('/records?crmId=00Q000000000001AAA');
    expect(recordPath('a b&c')).toBe('/records?crmId=a%20b%26c');
  });

  it('treats a 404 as "not scored yet" and keeps every other error with its request id', () => {
    const missing = new PanelApiError({ status: 404, code: 'not_found', message: 'no score' });
    expect(failedState(missing)).toEqual({ status: 'not-scored' });
    const down = new PanelApiError({
      status: 503,
      code: 'unavailable',
      message: 'store down',
      requestId: 'r1',
    });
    expect(failedState(down)).toEqual({ status: 'error', error: down });
    const odd = failedState(new SyntaxError('bad'));
    expect(odd.status === 'error' && odd.error.code).toBe('PANEL_ERROR');
  });

  it('keeps a shown score when a reload fails, but not when the lead is gone', () => {
    const shown = { status: 'ready' as const, record: leadRecord(), refreshing: true };
    const down = new PanelApiError({ status: 0, code: 'NETWORK', message: 'Could not reach LeadScore' });
    expect(afterFailedLoad(shown, down)).toEqual({
      status: 'ready',
      record: shown.record,
      refreshing: false,
      refreshError: down,
    });
    const gone = new PanelApiError({ status: 404, code: 'not_found', message: 'no score' });
    expect(afterFailedLoad(shown, gone)).toEqual({ status: 'not-scored' });
    expect(afterFailedLoad({ status: 'loading' }, down)).toEqual({ status: 'error', error: down });
  });
});
