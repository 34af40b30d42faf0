import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be the public http(s) URL of the server, such as https://leadscore.example.com',
    })
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
]);

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
    if (result.data.NODE_ENV === 'production' && result.data.TOKEN_ENCRYPTION_KEY === undefined) {
      throw new ConfigError(
        'TOKEN_ENCRYPTION_KEY',
        'is required when NODE_ENV=production: 64 hex characters from `openssl rand -hex 32`',
      );
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
