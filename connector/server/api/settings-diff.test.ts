import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/schemas/settings.ts';
import { settingsDiff } from './settings-diff.ts';

describe('settingsDiff', () => {
  it('names changed fields by path, segments by id, with old and new values', () => {
    const before = defaultSettings();
    const after = {
      ...before,
      horizonDays: 60,
      segments: [
        { ...before.segments[1], hotThreshold: 90, industries: ['Software'] },
        { ...before.segments[0], onHot: 'none' as const },
        ...before.segments.slice(2),
      ],
    };
    expect(settingsDiff(before, after)).toEqual([
      { path: 'horizonDays', from: 90, to: 60 },
      { path: 'segments.smb.onHot', from: 'task', to: 'none' },
      { path: 'segments.enterprise.hotThreshold', from: 75, to: 90 },
      { path: 'segments.enterprise.industries', from: [], to: ['Software'] },
      { path: 'segments.order', from: ['smb', 'enterprise', 'other'], to: ['enterprise', 'smb', 'other'] },
    ]);
  });

  it('records an added or removed segment whole, and nothing for equal settings', () => {
    const before = defaultSettings();
    const added = { ...before.segments[0], id: 'startup', name: 'Startups' };
    const after = { ...before, segments: [added, ...before.segments.slice(1)] };
    const changes = settingsDiff(before, after);
    expect(changes.map((change) => change.path)).toEqual([
      'segments.smb',
      'segments.startup',
      'segments.order',
    ]);
    expect(changes[0]).toEqual({ path: 'segments.smb', from: before.segments[0] });
    expect(changes[1]).toEqual({ path: 'segments.startup', to: added });
    expect(settingsDiff(before, defaultSettings())).toEqual([]);
  });
});
