import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../shared/schemas/settings.ts';
import type { PanelApi } from '../api/client.ts';
import { attribute, labels, spinbuttons, tagWithId, textOf, textOfId } from './markup-queries.ts';
import { SettingsPanel, type SettingsPanelProps, SettingsView } from './SettingsView.tsx';
import { draftOf } from './settings-draft.ts';
import { mapProblems } from './settings-problems.ts';
import type { SaveState } from './use-settings.ts';

const settings = defaultSettings();

function render(overrides: Partial<SettingsPanelProps> & { save?: SaveState } = {}): string {
  const { save = { status: 'idle' }, ...props } = overrides;
  const draft = draftOf(settings);
  return renderToStaticMarkup(
    <SettingsPanel
      state={{
        status: 'ready',
        loaded: { version: 3, savedAt: '2026-11-30T10:00:00.000Z', savedBy: 'u-admin', settings },
        draft,
        save,
        audit: {
          status: 'ready',
          rows: [
            {
              key: 'k',
              who: 'u-admin',
              when: '30 Nov 2026, 10:00 UTC',
              version: 'Version 3 (from 2)',
              changes: ['segments.smb.hotThreshold: 75 → 80'],
            },
          ],
        },
      }}
      canEdit
      activeKey="s0"
      live={{
        status: 'ready',
        answer: {
          segmentId: 'smb',
          modelVersion: 'smb-v2',
          servedBy: 'segment',
          window: {
            from: '2026-06-01T00:00:00.000Z',
            to: '2026-08-24T00:00:00.000Z',
            weeks: 12,
            examples: 600,
            leads: 420,
            positives: 40,
          },
          hot: { threshold: 80, leadsPerWeek: 7.5, precision: 0.32, recall: 0.55, examplesAbove: 90 },
          warm: { threshold: 50, leadsPerWeek: 20, precision: 0.15, recall: 0.8, examplesAbove: 240 },
          note: null,
        },
      }}
      curve={[
        { threshold: 50, leadsPerWeek: 20, precision: 0.15, recall: 0.8 },
        { threshold: 80, leadsPerWeek: 7.5, precision: 0.32, recall: 0.55 },
      ]}
      onEdit={() => {}}
      onActivate={() => {}}
      onSave={() => {}}
      onReload={() => {}}
      {...props}
    />,
  );
}

function elementsWithRole(markup: string, role: string): string[] {
  return [...markup.matchAll(new RegExp(`<[a-z]+[^>]*\\brole="${role}"[^>]*>`, 'g'))].map(
    (match) => match[0],
  );
}

describe('the settings page', () => {
  it('names a hot and a warm threshold spinbutton for every segment, as the contract spells them', () => {
    const markup = render();
    expect(markup).toContain('<h1');
    expect(textOf(/<h1[^>]*>(.*?)<\/h1>/.exec(markup)?.[1] ?? '')).toBe('Settings');
    const names = [...spinbuttons(markup).keys()];
    for (const segment of settings.segments) {
      expect(names).toContain(`Hot threshold for ${segment.name}`);
      expect(names).toContain(`Warm threshold for ${segment.name}`);
    }
    const hot =
      tagWithId(markup, spinbuttons(markup).get('Hot threshold for SMB (< 200 employees)') ?? '') ?? '';
    expect(attribute(hot, 'value')).toBe('80');
    expect(attribute(hot, 'min')).toBe('0');
    expect(attribute(hot, 'max')).toBe('100');
  });

  it('shows the preview in a status named "Threshold preview" and a chart image named for the segment', () => {
    const markup = render();
    const statuses = elementsWithRole(markup, 'status').filter(
      (tag) => attribute(tag, 'aria-label') === 'Threshold preview',
    );
    expect(statuses).toHaveLength(1);
    const status = markup.slice(markup.indexOf(statuses[0] ?? ''));
    expect(textOf(status.slice(0, status.indexOf('</div>')))).toBe(
      'Hot threshold 80 for SMB (< 200 employees): 7.5 leads per week, precision 32%, recall 55%. ' +
        'Warm threshold 50: 20 leads per week, precision 15%, recall 80%. ' +
        'Measured on the test window of model smb-v2 (600 examples, 420 leads over 12 weeks).',
    );
    const chart = elementsWithRole(markup, 'img').map((tag) => attribute(tag, 'aria-label') ?? '');
    expect(chart).toEqual([
      'Threshold preview chart for SMB (< 200 employees): precision, recall and leads per week at each threshold, hot threshold 80 and warm threshold 50 marked',
    ]);
    expect(markup).not.toMatch(/\sstyle="/);
  });

  it('has the Save settings button, the segment editor controls and the audit trail table', () => {
    const markup = render();
    expect(markup).toMatch(/<button type="submit"[^>]*>Save settings<\/button>/);
    expect(markup).toContain('aria-label="Remove segment Enterprise (200+ employees)"');
    expect(markup).toContain('>Add segment</button>');
    const table = /<table[^>]*aria-label="Audit trail"[^>]*>(.*?)<\/table>/.exec(markup)?.[1] ?? '';
    expect(textOf(table)).toBe(
      'Who When Version What changed u-admin 30 Nov 2026, 10:00 UTC Version 3 (from 2) segments.smb.hotThreshold: 75 → 80',
    );
    const labelTexts = [...labels(markup).values()];
    expect(labelTexts).toContain('Holdout share (%) for Company size unknown');
    expect(labelTexts).toContain('When a lead becomes hot in SMB (< 200 employees)');
    expect(labelTexts).toContain('Route leads that are already hot when first scored');
  });

  it('puts API problems next to their fields (aria-describedby) and lists them all in an alert', () => {
    const draft = draftOf(settings);
    const problems = mapProblems(
      [
        {
          field: 'settings.segments[smb].warmThreshold',
          message: 'segment "smb": warmThreshold 90 must not be above hotThreshold 80',
        },
        { field: 'settings.horizonDays', message: 'horizonDays must be between 7 and 730 days (got 3)' },
        { field: 'settings.segments', message: 'segments needs at least one segment' },
      ],
      draft.segments,
    );
    const markup = render({ save: { status: 'invalid', problems } });
    const warmId = spinbuttons(markup).get('Warm threshold for SMB (< 200 employees)') ?? '';
    const warm = tagWithId(markup, warmId) ?? '';
    expect(attribute(warm, 'aria-invalid')).toBe('true');
    const describedBy = attribute(warm, 'aria-describedby') ?? '';
    expect(textOfId(markup, describedBy)).toBe(
      'segment "smb": warmThreshold 90 must not be above hotThreshold 80',
    );
    const horizonId = [...labels(markup)].find(([, name]) => name === 'Within (days)')?.[0] ?? '';
    const horizon = tagWithId(markup, horizonId) ?? '';
    const horizonErrors = (attribute(horizon, 'aria-describedby') ?? '')
      .split(' ')
      .map((id) => textOfId(markup, id));
    expect(horizonErrors).toContain('horizonDays must be between 7 and 730 days (got 3)');
    const alert = elementsWithRole(markup, 'alert');
    expect(alert).toHaveLength(1);
    const alertText = textOf(markup.slice(markup.indexOf(alert[0] ?? '')).split('</ul>')[0] ?? '');
    expect(alertText).toContain('segments needs at least one segment');
    expect(alertText).toContain('horizonDays must be between 7 and 730 days (got 3)');
    // Fields without a problem say nothing.
    const hot =
      tagWithId(markup, spinbuttons(markup).get('Hot threshold for SMB (< 200 employees)') ?? '') ?? '';
    expect(attribute(hot, 'aria-invalid')).toBeUndefined();
  });

  it('explains a version conflict with a reload action, and confirms a save in a status', () => {
    const conflict = render({
      save: { status: 'conflict', message: 'the settings changed since version 3 (now version 4)' },
    });
    expect(textOf(conflict)).toContain('Someone else saved the settings while you were editing.');
    expect(conflict).toContain('>Reload settings</button>');
    const saved = render({ save: { status: 'saved', version: 4, rescoringQueued: true, changes: 1 } });
    const status = elementsWithRole(saved, 'status').find((tag) => tag.includes('ls-save-ok')) ?? '';
    const text = textOf(saved.slice(saved.indexOf(status)).split('</p>')[0] ?? '');
    expect(text).toBe('Saved version 4. Leads are being rescored with the new segments and thresholds.');
  });

  it('lets a rep read but not change: controls disabled, no save button', () => {
    const markup = render({ canEdit: false });
    expect(markup).toMatch(/<fieldset class="ls-plain" disabled="">/);
    expect(markup).not.toContain('Save settings');
    expect(markup).not.toContain('Add segment');
    expect(textOf(markup)).toContain('only LeadScore admins can change them');
  });

  it('starts loading through the API it is given', () => {
    const calls: string[] = [];
    const api: PanelApi = {
      get: <T,>(path: string) => {
        calls.push(path);
        return new Promise<T>(() => {});
      },
      send: <T,>() => new Promise<T>(() => {}),
      session: { tenantId: 'sf:00D000000000001AAA', userId: 'u', role: 'admin' },
    };
    const markup = renderToStaticMarkup(<SettingsView api={api} />);
    expect(textOf(markup)).toContain('Loading the settings');
  });
});
