import {
  Alert,
  Button,
  ErrorState,
  Flex,
  Link,
  NumberInput,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/schemas/settings.ts';
import { SettingsPage } from '../src/app/settings/SettingsPage.tsx';
import { eventually, type FetchCall, fakeFetch } from './fixtures.ts';

function settingsVersion(version = 3) {
  return { version, savedAt: '2026-11-30T12:00:00.000Z', savedBy: '77', settings: defaultSettings() };
}

const auditAnswer = {
  entries: [
    {
      version: 3,
      previousVersion: 2,
      userId: '77',
      at: '2026-11-30T12:00:00.000Z',
      changes: [{ path: 'segments.smb.hotThreshold', from: 85, to: 80 }],
    },
  ],
};

function previewOf(call: FetchCall) {
  const body = call.options.body as {
    segments: { segmentId: string; hotThreshold: number; warmThreshold: number }[];
  };
  return {
    segments: body.segments.map((segment) =>
      segment.segmentId === 'other'
        ? {
            segmentId: 'other',
            modelVersion: null,
            servedBy: null,
            window: null,
            hot: null,
            warm: null,
            note: 'no model yet: the segment is scored by the rules',
          }
        : {
            segmentId: segment.segmentId,
            modelVersion: 'v8',
            servedBy: 'segment',
            window: null,
            // Known numbers: fewer leads and more precision as the threshold rises.
            hot: {
              threshold: segment.hotThreshold,
              leadsPerWeek: (100 - segment.hotThreshold) / 2,
              precision: segment.hotThreshold / 200,
              recall: 0.63,
              examplesAbove: 40,
            },
            warm: {
              threshold: segment.warmThreshold,
              leadsPerWeek: 30,
              precision: 0.18,
              recall: 0.9,
              examplesAbove: 120,
            },
            note: null,
          },
    ),
  };
}

type Answer = { status: number; body: unknown };

function renderPage(
  put: (call: FetchCall) => Answer = () => ({ status: 500, body: null }),
  getSettings?: () => Answer,
) {
  const renderer = createRenderer('settings');
  renderer.mocks.context.portal.id = 4242;
  renderer.mocks.context.user.id = 77;
  let version = 3;
  const fake = fakeFetch((call) => {
    const url = new URL(call.url);
    const route = `${call.options.method} ${url.pathname}`;
    if (route === 'GET /api/v1/settings')
      return getSettings?.() ?? { status: 200, body: settingsVersion(version) };
    if (route === 'GET /api/v1/settings/audit') return { status: 200, body: auditAnswer };
    if (route === 'POST /api/v1/settings/preview') return { status: 200, body: previewOf(call) };
    if (route === 'POST /auth/hubspot/session')
      return {
        status: 201,
        body: {
          token: 'tok-1',
          expiresAt: '2026-12-01T10:15:00.000Z',
          tenantId: 'hs:4242',
          userId: '77',
          role: 'admin',
        },
      };
    if (route === 'PUT /api/v1/settings') {
      const answer = put(call);
      if (answer.status === 200) version += 1;
      return answer;
    }
    return { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: `no route ${route}` } } };
  });
  renderer.render(
    <SettingsPage context={renderer.mocks.context} fetcher={fake.fetcher} previewDelayMs={0} />,
  );
  return { ...renderer, ...fake };
}

const input = (find: ReturnType<typeof createRenderer>['find'], name: string) => find(NumberInput, { name });
/**
 * Types a number into an input. The testing library's `trigger` types its argument as the handler
 * itself in 0.17, so the handler prop is called directly (trigger does the same, batched).
 */
function typeNumber(find: ReturnType<typeof createRenderer>['find'], name: string, value: number): void {
  const onChange = input(find, name).props.onChange;
  if (onChange === undefined) throw new Error(`input ${name} has no onChange`);
  onChange(value);
}

const previewText = (find: ReturnType<typeof createRenderer>['find'], segmentId: string) =>
  find(Flex, { testId: `preview-${segmentId}` })
    .findAll(Text)
    .map((text) => text.text);

function rowTexts(row: Pick<RenderedElementNode, 'findAll'>): string[] {
  return row.findAll(TableCell).map((cell) => cell.text ?? '');
}

describe('LeadScore settings page', () => {
  it('shows each segment with its thresholds, the preview, the audit trail and the model health link', async () => {
    const { find, findAll, waitFor, calls } = renderPage();
    await eventually(waitFor, () => expect(findAll(NumberInput)).toHaveLength(9));
    expect(input(find, 'smb.hotThreshold').props).toMatchObject({
      label: 'Hot threshold for SMB (< 200 employees)',
      value: 80,
      min: 0,
      max: 100,
    });
    expect(input(find, 'enterprise.warmThreshold').props).toMatchObject({
      label: 'Warm threshold for Enterprise (200+ employees)',
      value: 45,
    });
    expect(input(find, 'other.holdoutPercent').props.value).toBe(0);
    await eventually(waitFor, () =>
      expect(previewText(find, 'smb')).toEqual([
        'Hot at 80 or above: 10 leads per week, precision 40%, recall 63%',
        'Warm at 50 or above: 30 leads per week, precision 18%, recall 90%',
      ]),
    );
    expect(previewText(find, 'other')).toEqual([
      'No preview: no model yet: the segment is scored by the rules',
    ]);
    await eventually(waitFor, () =>
      expect(find(Table, { testId: 'audit-trail' }).find(TableBody).findAll(TableRow)).toHaveLength(1),
    );
    expect(rowTexts(find(Table, { testId: 'audit-trail' }).find(TableBody).find(TableRow))).toEqual([
      '3',
      '2026-11-30 12:00 UTC',
      '77',
      'SMB (< 200 employees) hot threshold: 85 → 80',
    ]);
    await eventually(waitFor, () =>
      expect(find(Link).props.href).toEqual({
        url: 'https://leadscore.example.com/panel/?view=health#session=tok-1',
        external: true,
      }),
    );
    for (const call of calls) {
      const params = new URL(call.url).searchParams;
      expect([params.get('portalId'), params.get('userId')]).toEqual(['4242', '77']);
    }
  });

  it('previews the hot threshold being edited', async () => {
    const { find, waitFor, calls } = renderPage();
    await eventually(waitFor, () => expect(previewText(find, 'smb')[0]).toContain('Hot at 80 or above'));
    typeNumber(find, 'smb.hotThreshold', 90);
    await eventually(waitFor, () =>
      expect(previewText(find, 'smb')[0]).toBe(
        'Hot at 90 or above: 5 leads per week, precision 45%, recall 63%',
      ),
    );
    const last = calls.filter((call) => call.url.includes('/settings/preview')).at(-1);
    expect(last?.options.body).toEqual({
      segments: [
        { segmentId: 'smb', hotThreshold: 90, warmThreshold: 50 },
        { segmentId: 'enterprise', hotThreshold: 75, warmThreshold: 45 },
        { segmentId: 'other', hotThreshold: 80, warmThreshold: 50 },
      ],
    });
  });

  it('flags a warm threshold above the hot one next to the field and does not save', async () => {
    const { find, findAll, waitFor, calls } = renderPage();
    await eventually(waitFor, () => expect(findAll(NumberInput)).toHaveLength(9));
    typeNumber(find, 'enterprise.warmThreshold', 80);
    await eventually(waitFor, () =>
      expect(input(find, 'enterprise.warmThreshold').props).toMatchObject({
        error: true,
        validationMessage:
          'Warm threshold 80 must not be above the hot threshold 75: lower it or raise the hot threshold',
      }),
    );
    expect(find(Button, { variant: 'primary' }).props.disabled).toBe(true);
    typeNumber(find, 'smb.holdoutPercent', 60);
    await eventually(waitFor, () =>
      expect(input(find, 'smb.holdoutPercent').props.validationMessage).toMatch(/from 0% to 50%/),
    );
    find(Button, { variant: 'primary' }).trigger('onClick');
    expect(calls.filter((call) => call.options.method === 'PUT')).toHaveLength(0);
  });

  it('saves the edited thresholds and holdout over the loaded version, keeping every other setting', async () => {
    const puts: FetchCall[] = [];
    const { find, waitFor, calls } = renderPage((call) => {
      puts.push(call);
      const body = call.options.body as { settings: Record<string, unknown> };
      return {
        status: 200,
        body: {
          version: 4,
          savedAt: '2026-12-01T10:00:00.000Z',
          savedBy: '77',
          settings: body.settings,
          changes: [],
          rescoringQueued: true,
        },
      };
    });
    await eventually(waitFor, () => expect(input(find, 'smb.hotThreshold').props.value).toBe(80));
    typeNumber(find, 'smb.hotThreshold', 85);
    typeNumber(find, 'smb.holdoutPercent', 10);
    find(Button, { variant: 'primary' }).trigger('onClick');
    await eventually(waitFor, () =>
      expect(find(Alert, { title: 'Saved' }).text).toBe(
        'Settings version 4 saved. LeadScore is rescoring contacts with the new thresholds.',
      ),
    );
    expect(puts).toHaveLength(1);
    const expected = defaultSettings();
    expected.segments[0] = {
      ...expected.segments[0],
      hotThreshold: 85,
      holdoutShare: 0.1,
    } as (typeof expected.segments)[0];
    expect(puts[0]?.options.body).toEqual({ expectedVersion: 3, settings: expected });
    expect(input(find, 'smb.hotThreshold').props.value).toBe(85);
    // The audit trail is read again after the save.
    expect(calls.filter((call) => call.url.includes('/settings/audit'))).toHaveLength(2);
  });

  it('shows the validation message the API gives next to its field and in an alert', async () => {
    const { find, waitFor } = renderPage(() => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message:
            'the settings are not valid: segment "smb": holdoutShare must be at most 0.5 (half the leads)',
          problems: [
            {
              field: 'settings.segments[smb].holdoutShare',
              message: 'segment "smb": holdoutShare must be at most 0.5 (half the leads)',
            },
          ],
        },
      },
    }));
    await eventually(waitFor, () => expect(input(find, 'smb.hotThreshold').props.value).toBe(80));
    find(Button, { variant: 'primary' }).trigger('onClick');
    await eventually(waitFor, () =>
      expect(input(find, 'smb.holdoutPercent').props.validationMessage).toBe(
        'segment "smb": holdoutShare must be at most 0.5 (half the leads)',
      ),
    );
    expect(input(find, 'smb.holdoutPercent').props.error).toBe(true);
    const alert = find(Alert, { title: 'The settings were not saved' });
    expect(alert.props.variant).toBe('error');
    expect(alert.text).toContain('holdoutShare must be at most 0.5');
    expect(alert.text).toContain('Correct the fields named above');
    // Editing the field clears the server's message.
    typeNumber(find, 'smb.holdoutPercent', 5);
    await eventually(waitFor, () =>
      expect(input(find, 'smb.holdoutPercent').props.validationMessage).toBeUndefined(),
    );
  });

  it('says when someone else saved first and reloads on request', async () => {
    const { find, waitFor, calls } = renderPage(() => ({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message:
            'the settings changed since version 3 (now version 4): reload them and apply your change again',
        },
      },
    }));
    await eventually(waitFor, () => expect(input(find, 'smb.hotThreshold').props.value).toBe(80));
    find(Button, { variant: 'primary' }).trigger('onClick');
    await eventually(waitFor, () =>
      expect(find(Alert, { title: 'The settings changed since you opened them' }).text).toContain(
        'now version 4',
      ),
    );
    const loads = () =>
      calls.filter((call) => call.options.method === 'GET' && call.url.includes('/api/v1/settings?'));
    expect(loads()).toHaveLength(1);
    find(Button, { variant: 'secondary' }).trigger('onClick');
    await eventually(waitFor, () =>
      expect(find(NumberInput, { name: 'smb.hotThreshold' }).props.value).toBe(80),
    );
    expect(loads()).toHaveLength(2);
    expect(find(Button, { variant: 'primary' }).props.disabled).toBe(false);
  });

  it('shows what to do when the settings cannot be loaded', async () => {
    const { find, waitFor } = renderPage(undefined, () => ({
      status: 404,
      body: {
        error: {
          code: 'TENANT_NOT_INSTALLED',
          message:
            'LeadScore is not installed for HubSpot portal 4242: an admin installs it from the marketplace first',
          requestId: 'req-1',
        },
      },
    }));
    await eventually(waitFor, () =>
      expect(find(ErrorState).props.title).toBe('The LeadScore settings could not be loaded'),
    );
    expect(
      find(ErrorState)
        .findAll(Text)
        .map((text) => text.text),
    ).toEqual([
      'LeadScore is not installed for HubSpot portal 4242: an admin installs it from the marketplace first',
      'A HubSpot super admin installs LeadScore from the App Marketplace, then scores appear after the first sync.',
    ]);
  });
});
