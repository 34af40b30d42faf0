import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PanelApiError } from '../api/client.ts';
import { RecordPanel } from './RecordView.tsx';
import { leadRecord, NOW_MS, rulesRecord } from './record-test-support.ts';
import type { RecordState } from './use-record.ts';

const render = (state: RecordState) =>
  renderToStaticMarkup(<RecordPanel state={state} nowMs={NOW_MS} onRetry={() => {}} />);

/** Text of markup without tags, whitespace collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The opening tag of the element with this attribute value. */
function tagWith(html: string, attribute: string, value: string): string {
  const tag = html.match(new RegExp(`<[a-z]+[^>]*\\s${attribute}="${value}"[^>]*>`));
  if (tag === null) throw new Error(`no element with ${attribute}="${value}" in ${html.slice(0, 300)}`);
  return tag[0];
}

/** The table's rows as [row header, points] pairs, in document order. */
function whyRows(html: string): string[][] {
  const table = html.slice(html.indexOf('<table'), html.indexOf('</table>'));
  return [...table.matchAll(/<tr[^>]*><th scope="row"[^>]*>(.*?)<\/th><td[^>]*>(.*?)<\/td>/g)].map((row) => [
    textOf(row[1] ?? ''),
    textOf(row[2] ?? ''),
  ]);
}

describe('the record view', () => {
  const html = render({ status: 'ready', record: leadRecord(), refreshing: false });

  it('shows the score as a meter named "Lead score" with its value and tier', () => {
    const meter = tagWith(html, 'role', 'meter');
    expect(meter).toContain('aria-label="Lead score"');
    expect(meter).toContain('aria-valuenow="73"');
    expect(meter).toContain('aria-valuemin="0"');
    expect(meter).toContain('aria-valuemax="100"');
    expect(meter).toContain('aria-valuetext="73 of 100, hot"');
    expect(html).toMatch(/<span class="ls-tier ls-tier-hot">Hot<\/span>/);
  });

  it('explains the score in a table named "Why this score" whose rows add up to the Score row', () => {
    expect(html).toMatch(/<caption[^>]*>Why this score<\/caption>/);
    expect(html).toMatch(/<th scope="col">Factor<\/th><th scope="col"[^>]*>Points<\/th>/);
    const rows = whyRows(html);
    expect(rows).toEqual([
      ['Baseline', '12'],
      ['3 pricing-page views in the last 30 days', '+18'],
      ['1 meeting in the last 90 days', '+9'],
      ['Title seniority: VP', '+6'],
      ['Personal email address', '-4'],
      ['12 days since the last activity', '-2'],
      ['Other factors', '+34'],
      ['Score', '73'],
    ]);
    const sum = rows.slice(0, -1).reduce((total, row) => total + Number(row[1]), 0);
    expect(sum).toBe(Number(rows.at(-1)?.[1]));
    expect(html).toContain('raises the score by 18 points');
    expect(html).toContain('lowers the score by 4 points');
    expect(html).toMatch(/<rect class="ls-bar-negative" x="44.12" y="2" width="5.88" height="8"/);
  });

  it('heads the recommendation, names the history chart by its summary, and states the model', () => {
    const recommendation = tagWith(html, 'aria-labelledby', 'ls-recommendation-heading');
    expect(recommendation.startsWith('<section')).toBe(true);
    expect(html).toMatch(/<h2 id="ls-recommendation-heading"[^>]*>Recommendation<\/h2><p>Call today/);
    const chart = tagWith(html, 'role', 'img');
    expect(chart).toContain('aria-label="Score history: 41 to 73 over 30 days, lowest 41, highest 73"');
    expect(textOf(html)).toContain('model v12, trained 3 days ago');
    expect(textOf(html)).toContain('Scored 2 hours ago');
  });

  it('uses no style attributes or inline styles (the page CSP forbids them)', () => {
    const everyState = [
      html,
      render({ status: 'ready', record: rulesRecord(), refreshing: true }),
      render({ status: 'loading' }),
      render({ status: 'not-scored' }),
    ].join('');
    expect(everyState).not.toMatch(/\sstyle=/);
    expect(everyState).not.toContain('<style');
  });

  it('says when scores come from the cold-start rules, with the counts', () => {
    const rules = render({ status: 'ready', record: rulesRecord(), refreshing: false });
    expect(textOf(rules)).toContain('Scored by transparent rules');
    expect(textOf(rules)).toContain(
      'The model trains once there are 1,000 labelled leads and 50 converting leads',
    );
    expect(textOf(rules)).toContain('420 labelled leads and 12 converting leads');
    expect(tagWith(rules, 'role', 'meter')).toContain('aria-valuetext="34 of 100, cold"');
    expect(rules).toContain('>Cold</span>');
  });

  it('keeps the score shown when a refresh fails, with an alert saying so', () => {
    const refreshError = new PanelApiError({
      status: 0,
      code: 'TIMEOUT',
      message: 'LeadScore did not answer within 15 seconds',
      requestId: 'req-5',
    });
    const stale = render({ status: 'ready', record: leadRecord(), refreshing: false, refreshError });
    expect(tagWith(stale, 'role', 'alert')).toMatch(/^<section/);
    expect(textOf(stale)).toContain('The score could not be refreshed');
    expect(textOf(stale)).toContain('Request id: req-5');
    expect(tagWith(stale, 'role', 'meter')).toContain('aria-valuenow="73"');
  });

  it('tells a rep in the holdout that the lead is routed without the score', () => {
    const holdout = render({ status: 'ready', record: leadRecord({ holdout: true }), refreshing: false });
    expect(textOf(holdout)).toContain('In the holdout group');
  });

  it('says it is loading, as a status', () => {
    const loading = render({ status: 'loading' });
    expect(tagWith(loading, 'role', 'status')).toMatch(/^<section/);
    expect(textOf(loading)).toContain('Loading the score');
  });

  it('says when a lead is not scored yet and when scores appear', () => {
    const empty = textOf(render({ status: 'not-scored' }));
    expect(empty).toContain('Not scored yet');
    expect(empty).toContain('at least every 15 minutes');
    expect(empty).toContain('Check again');
  });

  it('shows an error as an alert with its request id and what to do', () => {
    const error = new PanelApiError({
      status: 503,
      code: 'unavailable',
      message: 'the store is unreachable right now: retry in a few seconds',
      requestId: 'req-7f3a',
    });
    const failed = render({ status: 'error', error });
    expect(tagWith(failed, 'role', 'alert')).toMatch(/^<section/);
    const text = textOf(failed);
    expect(text).toContain('The score could not be loaded');
    expect(text).toContain('the store is unreachable right now');
    expect(text).toContain('Request id: req-7f3a');
    expect(text).toContain('Try again in a minute');
    expect(failed).toMatch(/<button type="button" class="ls-button">Try again<\/button>/);
    const expired = textOf(
      render({
        status: 'error',
        error: new PanelApiError({
          status: 401,
          code: 'SESSION_EXPIRED',
          message: 'Your LeadScore session expired',
        }),
      }),
    );
    expect(expired).toContain('Reload the page to sign in again');
  });
});
