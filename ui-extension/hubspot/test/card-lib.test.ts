import { describe, expect, it } from 'vitest';
import { signedPoints as sharedSignedPoints } from '../../../shared/scoring/factor-text.ts';
import { ApiUrlError, adviceFor, apiUrl, callApi, failureOf, recordUrl } from '../src/app/cards/lib/api.ts';
import { API_ORIGIN } from '../src/app/cards/lib/project-config.ts';
import {
  ageText,
  checkSum,
  historyRows,
  modelText,
  notices,
  parseRecordAnswer,
  percent,
  RecordAnswerError,
  scoreRows,
  segmentText,
  signedPoints,
} from '../src/app/cards/lib/record.ts';
import { fakeFetch, recordAnswer } from './fixtures.ts';

const caller = { portalId: 4242, userId: 77 };

describe('API URLs', () => {
  it('puts the contact id, the portal id and the user id in the record URL', () => {
    const url = new URL(recordUrl(caller, 901));
    expect(url.origin).toBe(API_ORIGIN);
    expect(url.pathname).toBe('/api/v1/records');
    expect(url.searchParams.get('crmId')).toBe('901');
    expect(url.searchParams.get('portalId')).toBe('4242');
    expect(url.searchParams.get('userId')).toBe('77');
    expect(recordUrl(caller, '901', 'https://tunnel.example.net')).toBe(
      'https://tunnel.example.net/api/v1/records?crmId=901&portalId=4242&userId=77',
    );
  });

  it('refuses ids the HubSpot context cannot have given', () => {
    expect(() => recordUrl(caller, '90 1')).toThrow(/contact id "90 1" must be the HubSpot record id/);
    expect(() => recordUrl({ portalId: 0, userId: 77 }, 1)).toThrow(ApiUrlError);
    expect(() => recordUrl({ portalId: 4242, userId: 1.5 }, 1)).toThrow(
      /user id 1.5 must be a positive whole number/,
    );
    expect(() => apiUrl('settings', caller)).toThrow(/must start with "\/"/);
  });

  it('builds origin-relative URLs for the session exchange', () => {
    expect(
      apiUrl('/auth/hubspot/session', caller, {}, { fromOrigin: true, origin: 'https://a.example' }),
    ).toBe('https://a.example/auth/hubspot/session?portalId=4242&userId=77');
  });
});

describe('API failures', () => {
  it('reads the API error shape with field problems', () => {
    const failure = failureOf(400, {
      error: {
        code: 'invalid_request',
        message: 'the settings are not valid: 60 must not be above hotThreshold 50',
        problems: [
          { field: 'settings.segments[0].warmThreshold', message: '60 must not be above hotThreshold 50' },
        ],
      },
    });
    expect(failure).toEqual({
      kind: 'invalid',
      status: 400,
      code: 'invalid_request',
      message: 'the settings are not valid: 60 must not be above hotThreshold 50',
      requestId: null,
      problems: [
        { field: 'settings.segments[0].warmThreshold', message: '60 must not be above hotThreshold 50' },
      ],
    });
  });

  it('reads the auth layer shape, tells "not installed" from "not scored", and survives a non-JSON body', () => {
    const notInstalled = failureOf(404, {
      error: {
        code: 'TENANT_NOT_INSTALLED',
        message: 'LeadScore is not installed for HubSpot portal 4242',
        requestId: 'req-12345678',
      },
    });
    expect(notInstalled.kind).toBe('not-installed');
    expect(notInstalled.requestId).toBe('req-12345678');
    expect(failureOf(404, { error: { code: 'not_found', message: 'lead x has no score' } }).kind).toBe(
      'not-scored',
    );
    const validation = failureOf(400, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid request: check crmId',
        details: [{ field: 'crmId', problem: 'must be a CRM record id' }],
      },
    });
    expect(validation.problems).toEqual([{ field: 'crmId', message: 'must be a CRM record id' }]);
    expect(failureOf(502, null)).toMatchObject({
      kind: 'unavailable',
      message: 'LeadScore answered HTTP 502',
      code: null,
    });
    expect(failureOf(401, {}).kind).toBe('unauthenticated');
    expect(failureOf(403, {}).kind).toBe('forbidden');
    expect(failureOf(409, {}).kind).toBe('conflict');
    expect(adviceFor(notInstalled)).toMatch(/installs LeadScore from the App Marketplace/);
  });

  it('turns a thrown fetch into a network failure and a body-less answer into null', async () => {
    const thrown = await callApi(async () => {
      throw new Error('timeout after 15000 ms');
    }, 'https://x.example/api/v1/records');
    expect(thrown).toEqual({
      ok: false,
      failure: {
        kind: 'network',
        status: null,
        code: null,
        message: 'timeout after 15000 ms',
        requestId: null,
        problems: [],
      },
    });
    const { fetcher, calls } = fakeFetch(() => ({ status: 200, body: undefined }));
    expect(await callApi(fetcher, 'https://x.example/a', 'PUT', { a: 1 })).toEqual({ ok: true, value: null });
    expect(calls).toEqual([{ url: 'https://x.example/a', options: { method: 'PUT', body: { a: 1 } } }]);
  });
});

describe('record answer', () => {
  it('formats points exactly like the CRM field text', () => {
    for (const points of [-40, -4, -1, 0, 1, 18, 100])
      expect(signedPoints(points)).toBe(sharedSignedPoints(points));
    expect(signedPoints(-4)).toBe('-4');
    expect(signedPoints(18)).toBe('+18');
    expect(() => signedPoints(1.5)).toThrow(RangeError);
  });

  it('lists baseline, the five factors, other and the score, adding up', () => {
    const answer = parseRecordAnswer(recordAnswer());
    const rows = scoreRows(answer);
    expect(rows.map((row) => [row.label, row.pointsText])).toEqual([
      ['Baseline', '31'],
      ['3 pricing-page views in the last 30 days', '+18'],
      ['1 meeting in the last 90 days', '+14'],
      ['Title: VP Sales', '+9'],
      ['41 days since the last activity', '-6'],
      ['2 email clicks in the last 30 days', '+5'],
      ['Other factors', '+2'],
      ['Score', '73'],
    ]);
    const above = rows.filter((row) => row.kind !== 'total').reduce((sum, row) => sum + row.points, 0);
    expect(above).toBe(73);
    expect(checkSum(answer)).toEqual({ sum: 73, score: 73, matches: true });
    expect(checkSum({ ...answer, baseline: 30 })).toEqual({ sum: 72, score: 73, matches: false });
  });

  it('keeps only what the card reads and refuses a broken answer naming the field', () => {
    const answer = parseRecordAnswer(recordAnswer());
    expect(answer).not.toHaveProperty('leadId');
    expect(answer.dataSufficiency).toEqual({
      mode: 'model',
      text: 'Model trained on 4,200 leads with 180 conversions',
    });
    expect(() => parseRecordAnswer({ ...recordAnswer(), score: 101 })).toThrow(/no valid score \(0-100\)/);
    expect(() => parseRecordAnswer({ ...recordAnswer(), tier: 'lukewarm' })).toThrow(/no valid tier/);
    expect(() =>
      parseRecordAnswer({
        ...recordAnswer(),
        factors: [{ featureId: 'x', label: 'y', points: '+3', text: 'z' }],
      }),
    ).toThrow(/no valid factor/);
    expect(() => parseRecordAnswer({ ...recordAnswer(), model: { version: 'v1', source: 'magic' } })).toThrow(
      /no valid model source/,
    );
    expect(() => parseRecordAnswer('73')).toThrow(RecordAnswerError);
  });

  it('says which model scored, how old it is, and the cold-start and holdout notices', () => {
    const answer = parseRecordAnswer(recordAnswer());
    expect(modelText(answer.model)).toBe('Model v8, trained 3 days ago');
    expect(modelText({ version: 'v2', source: 'pooled', trainedAt: null, ageDays: 1 })).toBe(
      'Model v2, trained 1 day ago (pooled model: this segment is too small for its own)',
    );
    expect(modelText({ version: 'rules-1', source: 'rules', trainedAt: null, ageDays: null })).toBe(
      'Transparent rules rules-1 (no trained model yet)',
    );
    expect(notices(answer)).toEqual([]);
    const cold = parseRecordAnswer(
      recordAnswer({
        model: { version: 'rules-1', source: 'rules', trainedAt: null, ageDays: null },
        dataSufficiency: {
          mode: 'rules',
          labelledLeads: 420,
          convertingLeads: 12,
          minLabelledLeads: 1000,
          minConvertingLeads: 50,
          text: 'Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions',
          countedAt: '2026-11-28T03:00:00.000Z',
        },
        holdout: true,
      }),
    );
    expect(notices(cold).map((notice) => notice.title)).toEqual([
      'Scored by transparent rules',
      'In the holdout',
    ]);
    expect(notices(cold)[0]?.text).toBe(
      'Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions',
    );
  });

  it('formats chance, age, segment and history', () => {
    expect(percent(0.124)).toBe('12%');
    expect(percent(0.004)).toBe('0.4%');
    expect(percent(0)).toBe('0%');
    const now = Date.parse('2026-12-01T10:30:00.000Z');
    expect(ageText('2026-12-01T10:29:50.000Z', now)).toBe('just now');
    expect(ageText('2026-12-01T10:00:00.000Z', now)).toBe('30 minutes ago');
    expect(ageText('2026-12-01T08:00:00.000Z', now)).toBe('2 hours ago');
    expect(ageText('2026-11-28T10:00:00.000Z', now)).toBe('3 days ago');
    expect(segmentText({ id: 'smb', name: 'SMB', hotThreshold: 70, warmThreshold: 45 })).toBe(
      'Segment: SMB (hot from 70, warm from 45)',
    );
    expect(segmentText({ id: 'old', name: null, hotThreshold: null, warmThreshold: null })).toBe(
      'Segment: old (no longer in the settings)',
    );
    const shuffled = parseRecordAnswer(recordAnswer({ history: [...recordAnswer().history].reverse() }));
    expect(historyRows(shuffled).map((row) => row.score)).toEqual([55, 64, 73]);
  });
});
