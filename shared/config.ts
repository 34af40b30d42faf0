import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The store's key prefix when STORE_KEY_PREFIX is unset, and what a prefix may be. */
export const DEFAULT_STORE_KEY_PREFIX = 'ls';
export const STORE_KEY_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Every environment variable the product reads, with its default and meaning. The README's
 * configuration table lists the same variables; keep the two in step.
 */
export const configSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number between 1 and 65535' })
    .int('must be a port number between 1 and 65535')
    .min(1, 'must be a port number between 1 and 65535')
    .max(65535, 'must be a port number between 1 and 65535')
    .default(3000),
  HOST: z.string().min(1, 'must be an interface address such as 127.0.0.1').default('127.0.0.1'),
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
    })
    .optional(),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'must be development, test or production' })
    .default('development'),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'must be 64 hex characters (a 256-bit key): generate one with `openssl rand -hex 32`',
    )
    .optional(),
  /** Earlier token keys, comma-separated, still accepted for decryption while tokens are rotated. */
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/,
      'must be comma-separated 64-hex-character keys (the keys TOKEN_ENCRYPTION_KEY had before)',
    )
    .transform((value) => value.split(','))
    .optional(),
  /** OAuth clients of the marketplace apps; a provider without both is not connected by the worker. */
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  /** The Connected App's consumer secret: Salesforce signs Canvas requests with it (HMAC-SHA256). */
  SALESFORCE_CANVAS_CONSUMER_SECRET: z.string().min(1).optional(),
  /**
   * Signs OAuth `state` values and panel session tokens. Required in production; elsewhere a random
   * key is made per process (see sessionSigningKey), so states and sessions die with the process.
   */
  SESSION_SIGNING_KEY: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'must be 64 hex characters (a 256-bit key): generate one with `openssl rand -hex 32`',
    )
    .optional(),
  /** Days a paused or disconnected tenant's data is kept before it is purged. */
  TENANT_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a whole number of days between 1 and 3650' })
    .int('must be a whole number of days between 1 and 3650')
    .min(1, 'must be a whole number of days between 1 and 3650')
    .max(3650, 'must be a whole number of days between 1 and 3650')
    .default(30),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be the public http(s) URL of the server, such as https://leadscore.example.com',
    })
    .optional(),
  /**
   * A running sandbox CRM (http://host:port) that stands in for Salesforce and HubSpot: the demo
   * and the benchmarks. Never in production.
   */
  SANDBOX_CRM_URL: z
    .url({
      protocol: /^http$/,
      error: 'must be the http:// URL of a running sandbox CRM, such as http://127.0.0.1:4100',
    })
    .optional(),
  /**
   * The first part of every key the store writes (`<prefix>:{<tenantId>}:...`; `ls` when unset,
   * DEFAULT_STORE_KEY_PREFIX). The demo keeps its own, so wiping it at each start never touches
   * another LeadScore's data in the same Redis.
   */
  STORE_KEY_PREFIX: z
    .string()
    .regex(
      STORE_KEY_PREFIX_PATTERN,
      'must be 1-32 lowercase letters, digits or hyphens, starting with a letter, such as ls',
    )
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[^{}]+\}$/, 'must be a Redis Cluster hash tag in braces, such as {leadscore}')
    .optional(),
  WORKER_GRACE_MS: z.coerce
    .number({ error: 'must be a number of milliseconds between 0 and 600000' })
    .int('must be a number of milliseconds between 0 and 600000')
    .min(0, 'must be a number of milliseconds between 0 and 600000')
    .max(600_000, 'must be a number of milliseconds between 0 and 600000')
    .default(30_000),
  SYNC_EVERY_MINUTES: z.coerce
    .number({ error: 'must be a whole number of minutes between 1 and 1440' })
    .int('must be a whole number of minutes between 1 and 1440')
    .min(1, 'must be a whole number of minutes between 1 and 1440')
    .max(1440, 'must be a whole number of minutes between 1 and 1440')
    .default(15),
  SYNC_RECONCILE_CRON: z
    .string()
    .regex(/^\S+( \S+){4,5}$/, 'must be a cron pattern of 5 or 6 fields, such as "0 2 * * *"')
    .default('0 2 * * *'),
});
export type Config = z.infer<typeof configSchema>;

/** Variables whose values never appear in an error line. */
const SECRET_VARIABLES = new Set([
  'TOKEN_ENCRYPTION_KEY',
  'TOKEN_ENCRYPTION_KEYS_PREVIOUS',
  'SALESFORCE_CLIENT_SECRET',
  'HUBSPOT_CLIENT_SECRET',
  'SALESFORCE_CANVAS_CONSUMER_SECRET',
  'SESSION_SIGNING_KEY',
]);

/** Variables production cannot run without, and how to make each. */
const REQUIRED_IN_PRODUCTION = {
  TOKEN_ENCRYPTION_KEY: 'is required when NODE_ENV=production: 64 hex characters from `openssl rand -hex 32`',
  SESSION_SIGNING_KEY: 'is required when NODE_ENV=production: 64 hex characters from `openssl rand -hex 32`',
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/** Parses the environment once; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const result = configSchema.safeParse(present);
  if (result.success) {
    if (result.data.NODE_ENV === 'production') {
      if (result.data.SANDBOX_CRM_URL !== undefined) {
        throw new ConfigError(
          'SANDBOX_CRM_URL',
          'must not be set when NODE_ENV=production: the sandbox CRM is for the demo and benchmarks',
        );
      }
      for (const [variable, problem] of Object.entries(REQUIRED_IN_PRODUCTION)) {
        if (result.data[variable as keyof typeof REQUIRED_IN_PRODUCTION] === undefined) {
          throw new ConfigError(variable, problem);
        }
      }
    }
    return result.data;
  }
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  const got = env[variable];
  const shown =
    got === undefined
      ? 'missing'
      : SECRET_VARIABLES.has(variable)
        ? 'value hidden'
        : `got "${got.slice(0, 40)}"`;
  throw new ConfigError(variable, `${issue?.message ?? 'is invalid'} (${shown})`);
}

/** For process entry points: one clear line on stderr and exit code 2 when the environment is wrong. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Made once per process when SESSION_SIGNING_KEY is unset outside production. */
let processSigningKey: Buffer | undefined;

/**
 * The key that signs OAuth states and session tokens. Without SESSION_SIGNING_KEY (never in
 * production: loadConfig refuses that) a random key lives as long as the process, and `warn` says so
 * once: states and sessions then do not survive a restart nor work across several server processes.
 */
export function sessionSigningKey(
  config: Pick<Config, 'SESSION_SIGNING_KEY' | 'NODE_ENV'>,
  warn: (message: string) => void = () => {},
): Buffer {
  if (config.SESSION_SIGNING_KEY !== undefined) return Buffer.from(config.SESSION_SIGNING_KEY, 'hex');
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('SESSION_SIGNING_KEY', REQUIRED_IN_PRODUCTION.SESSION_SIGNING_KEY);
  }
  if (processSigningKey === undefined) {
    processSigningKey = randomBytes(32);
    warn(
      'SESSION_SIGNING_KEY is not set: using a random key for this process; OAuth states and panel sessions end when it stops',
    );
  }
  return processSigningKey;
}
