import type { AddressInfo } from 'node:net';
import {
  Alert,
  Button,
  NumberInput,
  ScoreCircle,
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableRow,
  Tag,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiNotFound, apiRouter } from '../../../connector/server/api/api-router.ts';
import { errorHandler, requestId } from '../../../connector/server/auth/error-handler.ts';
import { hubspotSignatureV3 } from '../../../connector/server/auth/hubspot-signature.ts';
import { panelAuth } from '../../../connector/server/auth/panel-auth.ts';
import type { RoleResolver } from '../../../connector/server/auth/role-resolver.ts';
import { panelSessionRouter } from '../../../connector/server/auth/session-routes.ts';
import { createSessionTokens } from '../../../connector/server/auth/session-tokens.ts';
import { testServerDependencies } from '../../../connector/server/server-test-support.ts';
import { tenantIdSchema } from '../../../shared/schemas/common.ts';
import { ScoresRepository } from '../../../shared/store/scores.repository.ts';
import { makeScore } from '../../../test/store/scoring-test-support.ts';
import { makeLead } from '../../../test/store/store-test-support.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import type { FetchAnswer, Fetcher } from '../src/app/cards/lib/api.ts';
import { API_ORIGIN } from '../src/app/cards/lib/project-config.ts';
import { RecordCard } from '../src/app/cards/RecordCard.tsx';
import { SettingsPage } from '../src/app/settings/SettingsPage.tsx';
import { eventually } from './fixtures.ts';

/**
 * The card and the settings page against the real API behind the real auth: a stand-in for
 * HubSpot's proxy signs each hubspot.fetch (signature v3 over method, full URI, JSON body and
 * timestamp, with the app's client secret) and forwards it, as HubSpot does.
 */

/** "Now" for the server and the signatures alike. */
const DATA_END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
// A portal id no other run uses: the suites share one Redis.
const tenantId = tenantIdSchema.parse(`hs:8${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`);
const portalId = Number(tenantId.slice(3));
const deps = testServerDependencies(redis, { publicUrl: API_ORIGIN, now: () => DATA_END_MS });
const secret = deps.config.HUBSPOT_CLIENT_SECRET ?? '';
const roles: RoleResolver = { roleOf: async () => 'admin' };
let server: ReturnType<ReturnType<typeof express>['listen']> | undefined;
let local = '';
const forwarded: string[] = [];
const CONTACT_ID = '7071';

/** hubspot.fetch as HubSpot runs it: sign for the public URL, call our server. */
const hubspotProxy: Fetcher = async (url, options) => {
  const target = new URL(url);
  if (target.origin !== API_ORIGIN) throw new Error(`${url} is not in permittedUrls.fetch`);
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const timestamp = String(DATA_END_MS);
  const signature = hubspotSignatureV3(secret, {
    method: options.method,
    uri: url,
    rawBody: body,
    timestamp,
  });
  forwarded.push(`${options.method} ${target.pathname}${target.search}`);
  const response = await fetch(`${local}${target.pathname}${target.search}`, {
    method: options.method,
    headers: {
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': timestamp,
      ...(body === '' ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === '' ? {} : { body }),
  });
  const answer: FetchAnswer = response;
  return answer;
};

beforeAll(async () => {
  await deps.store.tenants.create({
    id: tenantId,
    provider: 'hubspot',
    tokens: { accessToken: 'access', refreshToken: 'refresh' },
  });
  // One contact named the way the HubSpot sync names it, with a stored score.
  const leadId = `${tenantId}:contact:${CONTACT_ID}`;
  await deps.store.leads.upsertMany(tenantId, [
    makeLead(tenantId, leadId, {
      crmId: CONTACT_ID,
      objectType: 'contact',
      email: 'c7071@acme.com',
      accountKey: null,
    }),
  ]);
  await new ScoresRepository(redis).put(tenantId, [makeScore(leadId, { score: 30 })]);
  const signingKey = Buffer.from(deps.config.SESSION_SIGNING_KEY ?? '', 'hex');
  const sessionTokens = createSessionTokens({ signingKey, now: deps.now });
  const app = express();
  app.use(requestId());
  app.use(
    panelSessionRouter(deps, {
      sessionTokens,
      roles,
      canvasConsumerSecret: undefined,
      secretFor: async () => undefined,
    }),
  );
  app.use('/api/v1', panelAuth(deps, { sessionTokens, roles }), apiRouter(deps));
  app.use('/api/v1', apiNotFound(deps));
  app.use(errorHandler(deps.logger));
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  local = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await deps.store.purgeTenant(tenantId);
  const running = server;
  if (running !== undefined) await new Promise<void>((resolve) => running.close(() => resolve()));
  await redis.quit();
});

describe('the HubSpot UI against the API through signed hubspot.fetch', () => {
  it('shows a stored score whose rows add up, for the contact of the record', async () => {
    const renderer = createRenderer('crm.record.tab');
    renderer.render(
      <RecordCard
        context={{ portal: { id: portalId }, user: { id: 55 }, crm: { objectId: Number(CONTACT_ID) } }}
        fetcher={hubspotProxy}
      />,
    );
    await eventually(renderer.waitFor, () => expect(renderer.find(ScoreCircle).props.score).toBe(30));
    expect(renderer.find(Tag).text).toBe('Cold');
    const table = renderer.find(Table);
    const points = table
      .find(TableBody)
      .findAll(TableRow)
      .map((row) => Number(row.findAll(TableCell)[1]?.text));
    expect(points).toEqual([41, 12, -9, 3, -2, 1, -16]);
    expect(points.reduce((sum, value) => sum + value, 0)).toBe(30);
    expect(table.find(TableFooter).findAll(TableCell)[1]?.text).toBe('30');
    expect(forwarded).toContain(`GET /api/v1/records?crmId=${CONTACT_ID}&portalId=${portalId}&userId=55`);
  });

  it('saves a threshold through PUT /settings and reads the audit trail back', async () => {
    const renderer = createRenderer('settings');
    renderer.render(
      <SettingsPage
        context={{ portal: { id: portalId }, user: { id: 55 } }}
        fetcher={hubspotProxy}
        previewDelayMs={0}
      />,
    );
    const hot = () => renderer.find(NumberInput, { name: 'smb.hotThreshold' });
    await eventually(renderer.waitFor, () => expect(hot().props.value).toBe(80));
    const onChange = hot().props.onChange;
    if (onChange === undefined) throw new Error('the hot threshold input has no onChange');
    onChange(82);
    await eventually(renderer.waitFor, () => expect(hot().props.value).toBe(82));
    renderer.find(Button, { variant: 'primary' }).trigger('onClick');
    await eventually(renderer.waitFor, () =>
      expect(renderer.find(Alert, { title: 'Saved' }).text).toContain('saved'),
    );
    const current = await (
      await fetch(`${local}/api/v1/settings?portalId=${portalId}&userId=55`, {
        headers: {
          'x-hubspot-signature-v3': hubspotSignatureV3(secret, {
            method: 'GET',
            uri: `${API_ORIGIN}/api/v1/settings?portalId=${portalId}&userId=55`,
            rawBody: '',
            timestamp: String(DATA_END_MS),
          }),
          'x-hubspot-request-timestamp': String(DATA_END_MS),
        },
      })
    ).json();
    expect(current.settings.segments[0]).toMatchObject({ id: 'smb', hotThreshold: 82 });
    await eventually(renderer.waitFor, () =>
      expect(
        renderer.find(Table, { testId: 'audit-trail' }).find(TableBody).find(TableRow).findAll(TableCell)[3]
          ?.text,
      ).toBe('SMB (< 200 employees) hot threshold: 80 → 82'),
    );
    expect(forwarded.some((line) => line.startsWith('POST /api/v1/settings/preview?'))).toBe(true);
    expect(forwarded.some((line) => line.startsWith('POST /auth/hubspot/session?'))).toBe(true);
  });
});
