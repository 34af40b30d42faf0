import { describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { msUntilDailyReset, parseHubspotError } from './parse-hubspot-error.ts';

type ErrorFixture =
  | { status: number; headers: Record<string, string>; body: unknown }
  | { network: { name: string; message: string; type: string; code: string } };

/** What the SDK would throw for this catalogue entry: an ApiException-like object or a FetchError. */
function thrownFor(name: string): unknown {
  const fixture = loadHubspotFixture<ErrorFixture>(`errors/${name}`);
  if ('network' in fixture) return Object.assign(new Error(fixture.network.message), fixture.network);
  return Object.assign(new Error(`HTTP-Code: ${fixture.status}`), {
    code: fixture.status,
    body: fixture.body,
    headers: fixture.headers,
  });
}

// 2026-03-01T22:30:00Z: one and a half hours before midnight UTC.
const now = Date.UTC(2026, 2, 1, 22, 30, 0);
const untilUtcMidnight = 90 * 60_000;

const expectations: [string, string, number | undefined, string | undefined][] = [
  ['429-ten-secondly-rolling.json', 'RATE_LIMITED', 3_000, 'TEN_SECONDLY_ROLLING'],
  ['429-ten-secondly-rolling-no-retry-after.json', 'RATE_LIMITED', 10_000, 'TEN_SECONDLY_ROLLING'],
  ['429-secondly.json', 'RATE_LIMITED', 1_000, 'SECONDLY'],
  ['429-daily.json', 'RATE_LIMITED', untilUtcMidnight, 'DAILY'],
  ['401-expired-authentication.json', 'AUTH_REVOKED', undefined, 'EXPIRED_AUTHENTICATION'],
  ['400-bad-refresh-token.json', 'AUTH_REVOKED', undefined, 'BAD_REFRESH_TOKEN'],
  ['403-missing-scopes.json', 'AUTH_REVOKED', undefined, 'MISSING_SCOPES'],
  ['404-object-not-found.json', 'NOT_FOUND', undefined, 'OBJECT_NOT_FOUND'],
  ['400-validation-error.json', 'INVALID_INPUT', undefined, 'VALIDATION_ERROR'],
  ['400-property-doesnt-exist.json', 'INVALID_INPUT', undefined, 'VALIDATION_ERROR'],
  ['400-search-past-10000.json', 'CURSOR_INVALID', undefined, 'VALIDATION_ERROR'],
  ['409-property-exists.json', 'INVALID_INPUT', undefined, 'OBJECT_ALREADY_EXISTS'],
  ['409-contact-conflict.json', 'INVALID_INPUT', undefined, 'CONFLICT'],
  ['423-locked.json', 'TEMPORARY', 2_000, 'LOCKED'],
  ['500-internal-error.json', 'TEMPORARY', undefined, 'INTERNAL_ERROR'],
  ['502-bad-gateway.json', 'TEMPORARY', undefined, undefined],
  ['503-service-unavailable.json', 'TEMPORARY', 5_000, undefined],
  ['network-econnreset.json', 'TEMPORARY', undefined, 'ECONNRESET'],
  ['network-etimedout.json', 'TEMPORARY', undefined, 'ETIMEDOUT'],
];

describe('parseHubspotError', () => {
  it.each(expectations)(
    'maps %s to %s with the wait HubSpot gave',
    (name, code, retryAfterMs, vendorCode) => {
      const error = parseHubspotError(thrownFor(name), { now, context: { tenantId: 'hs:2431623' } });
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error.code).toBe(code);
      expect(error.retryAfterMs).toBe(retryAfterMs);
      expect(error.context.vendorCode).toBe(vendorCode);
      expect(error.context.provider).toBe('hubspot');
      expect(error.context.tenantId).toBe('hs:2431623');
    },
  );

  it('keeps the HTTP status so callers can tell a 409 "already exists" apart', () => {
    expect(parseHubspotError(thrownFor('409-property-exists.json')).context.httpStatus).toBe(409);
  });

  it('times the DAILY pause to midnight in the portal time zone when it is known', () => {
    // 22:30 UTC is 23:30 in Berlin (CET, UTC+1): half an hour to the portal's midnight.
    const error = parseHubspotError(thrownFor('429-daily.json'), { now, timeZone: 'Europe/Berlin' });
    expect(error.retryAfterMs).toBe(30 * 60_000);
  });

  it('returns a ConnectorError unchanged and wraps anything unknown as UNKNOWN', () => {
    const original = new ConnectorError('NOT_FOUND', 'gone');
    expect(parseHubspotError(original)).toBe(original);
    const unknown = parseHubspotError(new TypeError('boom'));
    expect(unknown.code).toBe('UNKNOWN');
    expect(unknown.message).toContain('boom');
  });

  it('counts the daily reset from midnight UTC by default', () => {
    expect(msUntilDailyReset(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe(86_400_000);
    expect(msUntilDailyReset(Date.UTC(2026, 0, 1, 23, 59, 59, 500))).toBe(500);
  });
});
