import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ErrorCatalogueEntry, errorCatalogueEntrySchema } from '../../../fixtures/salesforce/schemas.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { classifySalesforceCode, msUntilNextUtcDay, parseSalesforceError } from './parse-salesforce-error.ts';

const catalogue = resolve(import.meta.dirname, '../../../fixtures/salesforce/errors');
const entries = readdirSync(catalogue).map((name): [string, ErrorCatalogueEntry] => [
  name,
  errorCatalogueEntrySchema.parse(JSON.parse(readFileSync(join(catalogue, name), 'utf8'))),
]);
const now = Date.parse('2026-03-01T18:00:00Z');

/** Rebuilds what the provider actually catches for a catalogue entry. */
function thrownFor(entry: ErrorCatalogueEntry): unknown {
  if (entry.kind === 'network') {
    const payload = entry.payload as { code?: string; name?: string };
    if (payload.name)
      return Object.assign(new Error('The operation was aborted due to timeout'), { name: payload.name });
    return Object.assign(new TypeError('fetch failed'), { cause: { code: payload.code } });
  }
  return entry.payload;
}

describe('parseSalesforceError against the catalogue of real payloads', () => {
  it.each(entries)('maps %s to its expected code', (_name, entry) => {
    if (entry.kind === 'record') {
      const payload = entry.payload as { statusCode: string; message: string };
      expect(classifySalesforceCode(payload.statusCode, payload.message)).toBe(entry.expected.code);
      return;
    }
    const error = parseSalesforceError(thrownFor(entry), { httpStatus: entry.httpStatus ?? undefined, now });
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(entry.expected.code);
    const wait = entry.expected.retryAfter;
    if (wait === 'next-utc-day') expect(error.retryAfterMs).toBe(6 * 3_600_000);
    else if (wait !== undefined) expect(error.retryAfterMs).toBe(wait);
    else expect(error.retryAfterMs).toBeUndefined();
  });

  it('reads the code jsforce puts on its errors (errorCode plus the payload in data)', () => {
    const jsforceError = Object.assign(new Error('TotalRequests Limit exceeded.'), {
      name: 'REQUEST_LIMIT_EXCEEDED',
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      data: { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    });
    const error = parseSalesforceError(jsforceError, { now });
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.context.vendorCode).toBe('REQUEST_LIMIT_EXCEEDED');
  });

  it('reads an OAuth error that jsforce raised with the OAuth code as its name', () => {
    const oauthError = Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' });
    expect(parseSalesforceError(oauthError).code).toBe('AUTH_REVOKED');
  });

  it('maps a jsforce ERROR_HTTP_502 without a body to TEMPORARY', () => {
    const error = { errorCode: 'ERROR_HTTP_502', message: 'Bad Gateway' };
    expect(parseSalesforceError(error).code).toBe('TEMPORARY');
  });

  it('counts the wait of a daily limit to the next UTC midnight', () => {
    expect(msUntilNextUtcDay(Date.parse('2026-03-01T23:59:00Z'))).toBe(60_000);
  });
});
