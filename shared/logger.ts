import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';
/**
 * Bounded as the address format is (64 characters before the @, 253 after), so a long run of
 * address-like characters costs a bounded scan per position instead of backtracking over the whole
 * run: unbounded, one 2 MB header spent seconds of CPU in this pattern.
 */
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g;
/** Keys whose values are secrets or personal data wherever they appear in a log object. */
const SENSITIVE_KEY =
  /(token|secret|password|passwd|authorization|cookie|api[-_]?key|signature|^email$|^e-mail$|firstname|lastname|^name$|^phone$)/i;
const MAX_DEPTH = 8;
/** Longer strings are cut before scrubbing: a body or header of megabytes is not worth a log line. */
const MAX_LOGGED_STRING = 8_192;
const ADDRESS_CHARACTER = /[A-Za-z0-9._%+@-]/;

/**
 * The first MAX_LOGGED_STRING characters, less any run of address characters the cut ends in, so no
 * part of an email straddling the cut survives unscrubbed.
 */
function headOf(value: string): string {
  let end = MAX_LOGGED_STRING;
  while (end > 0 && ADDRESS_CHARACTER.test(value.charAt(end - 1))) end -= 1;
  return value.slice(0, end);
}

function scrubString(value: string): string {
  const head = value.length > MAX_LOGGED_STRING ? headOf(value) : value;
  const withoutEmails = head.includes('@') ? head.replace(EMAIL_PATTERN, '[email]') : head;
  const scrubbed = withoutEmails.replace(/\b(Bearer|Basic)\s+\S+/g, `$1 ${REDACTED}`);
  return head.length === value.length
    ? scrubbed
    : `${scrubbed}… [${value.length - head.length} more characters]`;
}

/** Returns a copy with secrets and personal data removed; never mutates what the caller logged. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack ? scrubString(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/**
 * The level named by LOG_LEVEL when it is one pino knows, else `info`. A bad value is the config
 * loader's to report (one line, exit 2); the process-wide logger must not throw while being imported.
 */
function levelFromEnvironment(): string {
  const wanted = process.env.LOG_LEVEL;
  return wanted !== undefined && (wanted === 'silent' || wanted in pino.levels.values) ? wanted : 'info';
}

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  const config: LoggerOptions = {
    name: options.name ?? 'leadscore',
    level: options.level ?? levelFromEnvironment(),
    base: { service: options.name ?? 'leadscore' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redact(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg));
        method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(config, destination) : pino(config);
}

/** The process-wide logger; make child loggers per provider and job with `logger.child({ ... })`. */
export const logger = createLogger();
