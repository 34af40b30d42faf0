import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  LineChart,
  LoadingSpinner,
  ScoreCircle,
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { RecordCard } from '../src/app/cards/RecordCard.tsx';
import { eventually, fakeFetch, recordAnswer } from './fixtures.ts';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');

function rowTexts(row: Pick<RenderedElementNode, 'findAll'>): string[] {
  return row.findAll(TableCell).map((cell) => cell.text ?? '');
}

/** The text of every Text inside a node (an element's own `text` is null when it holds elements). */
function allText(node: Pick<RenderedElementNode, 'findAll'>): string {
  return node
    .findAll(Text)
    .map((text) => text.text ?? '')
    .join(' ');
}

function renderCard(route: Parameters<typeof fakeFetch>[0]) {
  const renderer = createRenderer('crm.record.tab');
  renderer.mocks.context.portal.id = 4242;
  renderer.mocks.context.user.id = 77;
  renderer.mocks.context.crm.objectId = 901;
  const fake = fakeFetch(route);
  renderer.render(<RecordCard context={renderer.mocks.context} fetcher={fake.fetcher} now={() => NOW} />);
  return { ...renderer, ...fake };
}

describe('LeadScore record card', () => {
  it('asks for the contact of the record, naming the portal and the user', async () => {
    const { calls, find, waitFor } = renderCard(() => ({ status: 200, body: recordAnswer() }));
    expect(find(LoadingSpinner).props.label).toBe('Loading the LeadScore score');
    await eventually(waitFor, () => expect(find(ScoreCircle).props.score).toBe(73));
    expect(calls).toHaveLength(1);
    const url = new URL(calls[0]?.url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('https://leadscore.example.com/api/v1/records');
    expect(Object.fromEntries(url.searchParams)).toEqual({ crmId: '901', portalId: '4242', userId: '77' });
    expect(calls[0]?.options).toEqual({ method: 'GET' });
  });

  it('shows score, tier, the five factors, other and baseline adding up to the score', async () => {
    const { find, findAll, waitFor } = renderCard(() => ({ status: 200, body: recordAnswer() }));
    await eventually(waitFor, () => expect(find(ScoreCircle).props.score).toBe(73));
    expect(find(Tag).text).toBe('Hot');
    expect(find(Tag).props.variant).toBe('success');
    const table = find(Table);
    const rows = table.find(TableBody).findAll(TableRow).map(rowTexts);
    expect(rows).toEqual([
      ['Baseline', '31'],
      ['3 pricing-page views in the last 30 days', '+18'],
      ['1 meeting in the last 90 days', '+14'],
      ['Title: VP Sales', '+9'],
      ['41 days since the last activity', '-6'],
      ['2 email clicks in the last 30 days', '+5'],
      ['Other factors', '+2'],
    ]);
    const total = rowTexts(table.find(TableFooter).find(TableRow));
    expect(total).toEqual(['Score', '73']);
    expect(rows.reduce((sum, [, points]) => sum + Number(points), 0)).toBe(Number(total[1]));
    expect(findAll(Alert)).toHaveLength(0);
    expect(find(Text, { testId: 'recommendation' }).text).toBe(
      'Call this week: pricing-page visits and a recent meeting.',
    );
    expect(find(Text, { testId: 'model-line' }).text).toBe(
      'Model v8, trained 3 days ago · scored 2 hours ago',
    );
    const chart = find(LineChart);
    expect(chart.props.data).toEqual([
      { at: '2026-11-20T09:00:00.000Z', score: 55 },
      { at: '2026-11-27T09:00:00.000Z', score: 64 },
      { at: '2026-11-30T09:00:00.000Z', score: 73 },
    ]);
    expect(chart.props.axes.x).toMatchObject({ field: 'at', fieldType: 'datetime' });
  });

  it('says when the rules scored (cold start) and warns when the rows do not add up', async () => {
    const cold = recordAnswer({
      tier: 'warm',
      baseline: 30,
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
    });
    const { find, findAll, waitFor } = renderCard(() => ({ status: 200, body: cold }));
    await eventually(waitFor, () => expect(find(Tag).text).toBe('Warm'));
    const alerts = findAll(Alert);
    expect(alerts.map((alert) => alert.props.title)).toEqual([
      'Scored by transparent rules',
      'The factors do not add up to the score',
    ]);
    expect(alerts[0]?.text).toBe(
      'Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions',
    );
    expect(alerts[1]?.text).toContain('add up to 72, the score is 73');
    expect(find(Text, { testId: 'model-line' }).text).toContain(
      'Transparent rules rules-1 (no trained model yet)',
    );
  });

  it('shows the empty state saying what to do when the contact is not scored, and retries', async () => {
    let scored = false;
    const { find, maybeFind, waitFor, calls } = renderCard(() =>
      scored
        ? { status: 200, body: recordAnswer() }
        : {
            status: 404,
            body: { error: { code: 'not_found', message: 'lead hs:4242:contact:901 has no score' } },
          },
    );
    await eventually(waitFor, () => expect(find(EmptyState).props.title).toBe('Not scored yet'));
    expect(allText(find(EmptyState))).toContain('a new contact gets a score within a few minutes');
    expect(maybeFind(ScoreCircle)).toBeNull();
    scored = true;
    find(Button, { variant: 'secondary' }).trigger('onClick');
    await eventually(waitFor, () => expect(find(ScoreCircle).props.score).toBe(73));
    expect(calls).toHaveLength(2);
  });

  it('shows the server message, the advice and the request id on an error', async () => {
    const { find, waitFor } = renderCard(() => ({
      status: 403,
      body: {
        error: {
          code: 'FORBIDDEN',
          message: 'LeadScore is paused for HubSpot portal 4242: CRM access revoked',
          requestId: 'req-abcdef12',
        },
      },
    }));
    await eventually(waitFor, () =>
      expect(find(ErrorState).props.title).toBe('LeadScore is not available in this account'),
    );
    const texts = find(ErrorState)
      .findAll(Text)
      .map((text) => text.text);
    expect(texts).toEqual([
      'LeadScore is paused for HubSpot portal 4242: CRM access revoked',
      'An admin reconnects or resumes LeadScore in its settings, or gives you the LeadScore admin role.',
      'Request id req-abcdef12',
    ]);
    expect(find(ErrorState).props.type).toBe('lock');
  });

  it('shows an error, not a half-read score, when the answer is malformed or no answer comes', async () => {
    const broken = renderCard(() => ({ status: 200, body: { ...recordAnswer(), score: 'high' } }));
    await eventually(broken.waitFor, () =>
      expect(broken.find(ErrorState).props.title).toBe('LeadScore answered something unexpected'),
    );
    expect(broken.maybeFind(ScoreCircle)).toBeNull();
    expect(allText(broken.find(ErrorState))).toContain('the record answer has no valid score (0-100)');
    const offline = renderCard(() => {
      throw new Error('Request timed out');
    });
    await eventually(offline.waitFor, () =>
      expect(offline.find(ErrorState).props.title).toBe('LeadScore could not be reached'),
    );
    expect(allText(offline.find(ErrorState))).toContain('Request timed out');
  });

  it('reloads when the score property of the record changes', async () => {
    const renderer = createRenderer('crm.record.tab');
    const fake = fakeFetch(() => ({ status: 200, body: recordAnswer() }));
    const listeners: { properties: string[]; callback: () => void }[] = [];
    renderer.render(
      <RecordCard
        context={renderer.mocks.context}
        fetcher={fake.fetcher}
        onPropertiesUpdate={(properties, callback) => listeners.push({ properties, callback })}
        scoreProperty="leadscore_score"
      />,
    );
    await eventually(renderer.waitFor, () => expect(renderer.find(ScoreCircle).props.score).toBe(73));
    expect(listeners.map((listener) => listener.properties)).toEqual([['leadscore_score']]);
    listeners[0]?.callback();
    await eventually(renderer.waitFor, () => expect(fake.calls).toHaveLength(2));
    await eventually(renderer.waitFor, () => expect(renderer.find(ScoreCircle).props.score).toBe(73));
  });
});
