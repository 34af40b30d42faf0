import type { RedisKey, Result } from 'ioredis';
import { z } from 'zod';
import { isoDateTime } from '../schemas/common.ts';
import { defaultSettings, type Settings } from '../schemas/settings.ts';
import {
  describeSettingsProblems,
  type SettingsProblem,
  validateSettings,
} from '../scoring/validate-settings.ts';
import { tenantKeys } from './keys.ts';
import type { RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/**
 * Saves a settings version if the current version is still the expected one. The current version
 * (a string key) and every version by number (a hash) change together, in one script, so readers
 * never see a current version missing from the history. Both keys share the tenant's hash tag.
 * KEYS: current, history. ARGV: expected version ('' for "whatever it is"), encoding with the
 * placeholder `"version":0` which the script replaces by the new number.
 * Returns {1, new version} when saved, {0, current version} when the expected version was stale.
 */
const SAVE_SETTINGS = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = tonumber(string.match(current, '^{"version":(%d+),')) end
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= version then return {0, version} end
local next = version + 1
local encoded = string.gsub(ARGV[2], '^{"version":0,', '{"version":' .. next .. ',', 1)
redis.call('SET', KEYS[1], encoded)
redis.call('HSET', KEYS[2], tostring(next), encoded)
return {1, next}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See SAVE_SETTINGS in shared/store/settings.repository.ts. */
    lsSaveSettings(
      current: RedisKey,
      history: RedisKey,
      expectedVersion: string,
      encoded: string,
    ): Result<[number, number], Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/** One saved version of a tenant's settings. Version 0 is the defaults, never saved. */
export interface SettingsVersion {
  version: number;
  settings: Settings;
  /** When it was saved; null for the defaults. */
  savedAt: string | null;
  /** Who saved it (a CRM user id), when the caller said. */
  savedBy: string | null;
}

export type SaveSettingsResult =
  | { ok: true; version: number; settings: Settings }
  | { ok: false; reason: 'invalid'; problems: SettingsProblem[] }
  | { ok: false; reason: 'conflict'; currentVersion: number };

const storedSchema = z.object({
  version: z.number().int().positive(),
  savedAt: isoDateTime,
  savedBy: z.string().nullable(),
  settings: z.unknown(),
});

/**
 * Scoring settings, versioned: every save gets the next version number and earlier versions stay
 * readable (what was in force when a score or a task was produced). Saving checks the settings with
 * `validateSettings` and stores nothing when they are invalid; `expectedVersion` makes the save
 * conditional, so two admins editing at once cannot overwrite each other unknowingly.
 */
export class SettingsRepository {
  constructor(private readonly redis: RedisClient) {
    if (!defined.has(redis)) {
      redis.defineCommand('lsSaveSettings', { numberOfKeys: 2, lua: SAVE_SETTINGS });
      defined.add(redis);
    }
  }

  async save(
    tenantId: string,
    input: unknown,
    options: { expectedVersion?: number; savedBy?: string; savedAt?: string } = {},
  ): Promise<SaveSettingsResult> {
    const keys = tenantKeys(tenantId);
    const checked = validateSettings(input);
    if (!checked.ok) return { ok: false, reason: 'invalid', problems: checked.problems };
    const { expectedVersion } = options;
    if (expectedVersion !== undefined && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
      throw new StoreError(
        'INVALID_INPUT',
        `expected settings version ${expectedVersion} must be a whole number >= 0`,
        {
          tenantId,
        },
      );
    }
    const savedAt = options.savedAt ?? new Date().toISOString();
    if (!isoDateTime.safeParse(savedAt).success) {
      throw new StoreError('INVALID_INPUT', `savedAt "${savedAt}" must be an ISO-8601 date-time`, {
        tenantId,
      });
    }
    // `version` first and 0: the script puts the real number there.
    const encoded = JSON.stringify({
      version: 0,
      savedAt,
      savedBy: options.savedBy ?? null,
      settings: checked.settings,
    });
    const [saved, version] = await this.redis.lsSaveSettings(
      keys.settings,
      keys.settingsHistory,
      expectedVersion === undefined ? '' : String(expectedVersion),
      encoded,
    );
    if (saved === 0) return { ok: false, reason: 'conflict', currentVersion: version };
    return { ok: true, version, settings: checked.settings };
  }

  /** The settings in force: the last saved version, or the defaults as version 0. */
  async current(tenantId: string): Promise<SettingsVersion> {
    const encoded = await this.redis.get(tenantKeys(tenantId).settings);
    return encoded === null ? defaults() : decode(tenantId, encoded);
  }

  /** One version by number (0 is the defaults); throws NOT_FOUND for a version never saved. */
  async version(tenantId: string, version: number): Promise<SettingsVersion> {
    if (!Number.isInteger(version) || version < 0) {
      throw new StoreError('INVALID_INPUT', `settings version ${version} must be a whole number >= 0`, {
        tenantId,
      });
    }
    if (version === 0) return defaults();
    const encoded = await this.redis.hget(tenantKeys(tenantId).settingsHistory, String(version));
    if (encoded === null) {
      throw new StoreError('NOT_FOUND', `settings version ${version} of ${tenantId} was never saved`, {
        tenantId,
      });
    }
    return decode(tenantId, encoded);
  }

  /** Every saved version number, oldest first. */
  async versions(tenantId: string): Promise<number[]> {
    const fields = await this.redis.hkeys(tenantKeys(tenantId).settingsHistory);
    return fields.map(Number).sort((one, two) => one - two);
  }
}

function defaults(): SettingsVersion {
  return { version: 0, settings: defaultSettings(), savedAt: null, savedBy: null };
}

function decode(tenantId: string, encoded: string): SettingsVersion {
  const stored = storedSchema.safeParse(JSON.parse(encoded));
  if (!stored.success) {
    throw new StoreError('INVALID_INPUT', `stored settings of ${tenantId} are not a settings version`, {
      tenantId,
    });
  }
  const checked = validateSettings(stored.data.settings);
  if (!checked.ok) {
    throw new StoreError(
      'INVALID_INPUT',
      `stored settings version ${stored.data.version} of ${tenantId} no longer pass validation: ${describeSettingsProblems(checked.problems)}`,
      { tenantId },
    );
  }
  return {
    version: stored.data.version,
    settings: checked.settings,
    savedAt: stored.data.savedAt,
    savedBy: stored.data.savedBy,
  };
}
