import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.ts';
import { createLogger, redact } from './logger.ts';

function capture() {
  let output = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', name: 'test' }, stream), read: () => output };
}

const token = '00D5g000004XyZ1!AQ0AQFxz.secret-access-token-value';
const email = 'ana.silva@acme.com';

describe('logger redaction', () => {
  it('keeps tokens, secrets, authorization headers and emails out of the output', () => {
    const { logger, read } = capture();
    logger.info(
      {
        tenantId: 'sf:00D5g000004XyZ1EAK',
        accessToken: token,
        refresh_token: token,
        clientSecret: 'shh',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'r-1' },
        lead: { email, title: 'VP Marketing' },
        note: `contacted ${email} yesterday`,
      },
      `synced lead ${email} with Bearer ${token}`,
    );
    const output = read();
    expect(output).not.toContain(token);
    expect(output).not.toContain('shh');
    expect(output).not.toContain(email);
    const line = JSON.parse(output) as Record<string, unknown>;
    expect(line.tenantId).toBe('sf:00D5g000004XyZ1EAK');
    expect(line.msg).toBe('synced lead [email] with Bearer [redacted]');
    expect(line.headers).toEqual({ authorization: '[redacted]', 'x-request-id': 'r-1' });
    expect(line.lead).toEqual({ email: '[redacted]', title: 'VP Marketing' });
    expect(line.note).toBe('contacted [email] yesterday');
  });

  it('cuts megabyte strings before scrubbing, leaving no part of an email at the cut', () => {
    const run = 'x'.repeat(300_000);
    // A header of address-like characters with an email at its end, as a fuzzed or hostile request sends.
    const scrubbed = redact({ header: `${run}${email}`, body: `${email} ${'a.b-c'.repeat(400_000)}@` }) as {
      header: string;
      body: string;
    };
    // Address characters up to the cut are dropped whole: no partial address is logged.
    expect(scrubbed.header).toBe(`… [${300_000 + email.length} more characters]`);
    expect(scrubbed.body).toBe(`[email] … [${2_000_001} more characters]`);
    const cutInsideAnEmail = redact(`${'note '.repeat(1_638)}${email} and more`) as string;
    expect(cutInsideAnEmail).not.toMatch(/ana|silva|acme/);
    expect(cutInsideAnEmail.startsWith('note note')).toBe(true);
    // Short strings are kept whole.
    expect(redact(`contacted ${email}`)).toBe('contacted [email]');
  });

  it('redacts inside errors and child logger bindings', () => {
    const { logger, read } = capture();
    const child = logger.child({ provider: 'hubspot' });
    child.error({ err: new ConnectorError('AUTH_REVOKED', `refresh failed for ${email}`) }, 'refresh failed');
    const output = read();
    expect(output).not.toContain(email);
    expect(output).toContain('refresh failed for [email]');
    expect(output).toContain('"provider":"hubspot"');
  });

  it('does not change the object the caller logged', () => {
    const record = { email, nested: { password: 'p' } };
    redact(record);
    expect(record).toEqual({ email, nested: { password: 'p' } });
  });
});

describe('logger level from the environment', () => {
  it('falls back to info for a LOG_LEVEL pino does not know, leaving the error to the config loader', () => {
    const previous = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'loud';
      expect(createLogger().level).toBe('info');
      process.env.LOG_LEVEL = 'warn';
      expect(createLogger().level).toBe('warn');
    } finally {
      process.env.LOG_LEVEL = previous;
    }
  });
});
