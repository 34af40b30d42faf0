import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The keys the demo's server and worker must share; each from the environment, or else from the file. */
export const LOCAL_SECRET_NAMES = [
  'TOKEN_ENCRYPTION_KEY',
  'SESSION_SIGNING_KEY',
  'SALESFORCE_CANVAS_CONSUMER_SECRET',
] as const;
export type LocalSecretName = (typeof LOCAL_SECRET_NAMES)[number];
export type LocalSecrets = Record<LocalSecretName, string>;

export interface ResolvedLocalSecrets {
  secrets: LocalSecrets;
  /** Where each came from: the environment, the file as it was, or made now and saved to the file. */
  sources: Record<LocalSecretName, 'environment' | 'file' | 'made'>;
  file: string;
}

export const LOCAL_SECRETS_FILE = 'local-secrets.json';
const HEX_KEY = /^[0-9a-f]{64}$/;

/**
 * Development keys for the demo: what the environment sets wins; anything else is read from
 * `<dataDir>/local-secrets.json` (mode 0600) or made once (32 random bytes, hex) and saved there, so
 * tokens sealed and sessions signed by one run still open on the next (`--keep`). A file that is not
 * what this function writes is refused with its path, never silently replaced.
 */
export function resolveLocalSecrets(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLocalSecrets {
  const file = path.join(dataDir, LOCAL_SECRETS_FILE);
  const stored = readStored(file);
  let changed = false;
  const pick = (name: LocalSecretName): { value: string; source: 'environment' | 'file' | 'made' } => {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'environment' };
    const fromFile = stored[name];
    if (fromFile !== undefined) return { value: fromFile, source: 'file' };
    const made = randomBytes(32).toString('hex');
    stored[name] = made;
    changed = true;
    return { value: made, source: 'made' };
  };
  const token = pick('TOKEN_ENCRYPTION_KEY');
  const session = pick('SESSION_SIGNING_KEY');
  const canvas = pick('SALESFORCE_CANVAS_CONSUMER_SECRET');
  const secrets: LocalSecrets = {
    TOKEN_ENCRYPTION_KEY: token.value,
    SESSION_SIGNING_KEY: session.value,
    SALESFORCE_CANVAS_CONSUMER_SECRET: canvas.value,
  };
  const sources: ResolvedLocalSecrets['sources'] = {
    TOKEN_ENCRYPTION_KEY: token.source,
    SESSION_SIGNING_KEY: session.source,
    SALESFORCE_CANVAS_CONSUMER_SECRET: canvas.source,
  };
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    // writeFileSync keeps the mode of a file that already existed.
    chmodSync(file, 0o600);
  }
  return { secrets, sources, file };
}

function readStored(file: string): Partial<LocalSecrets> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(
      `${file} can be read by other users: run chmod 600 ${file} (or delete it to make new keys)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: delete it and LeadScore makes new development keys`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object of keys: delete it and LeadScore makes new ones`);
  }
  const result: Partial<LocalSecrets> = {};
  for (const name of LOCAL_SECRET_NAMES) {
    const value: unknown = (parsed as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !HEX_KEY.test(value)) {
      throw new Error(
        `${file}: ${name} must be 64 lowercase hex characters: delete the file and LeadScore makes new keys`,
      );
    }
    result[name] = value;
  }
  return result;
}
