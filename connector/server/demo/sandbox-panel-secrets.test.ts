import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { shareSecretsWithSandbox } from './sandbox-panel-secrets.ts';

const running: RunningSandbox[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, stream) };
}

describe('shareSecretsWithSandbox', () => {
  it('configures the sandbox with the server secrets, never logging them', async () => {
    const sandbox = await startSandbox();
    running.push(sandbox);
    const { lines, logger } = memoryLogger();
    const shared = await shareSecretsWithSandbox({
      sandboxUrl: sandbox.baseUrl,
      canvasConsumerSecret: 'canvas-secret-value',
      hubspotClientSecret: 'hubspot-secret-value',
      logger,
    });
    expect(shared).toBe(true);
    expect(sandbox.panels.canvasConsumerSecret).toBe('canvas-secret-value');
    expect(sandbox.panels.hubspotClientSecret).toBe('hubspot-secret-value');
    expect(lines.join('')).not.toContain('secret-value');
  });

  it('names a missing secret, and gives up with one warning when the sandbox never answers', async () => {
    const { lines, logger } = memoryLogger();
    const shared = await shareSecretsWithSandbox({
      sandboxUrl: 'http://127.0.0.1:1',
      canvasConsumerSecret: 'canvas-secret-value',
      hubspotClientSecret: undefined,
      logger,
      attempts: 2,
      retryDelayMs: 10,
    });
    expect(shared).toBe(false);
    const text = lines.join('');
    expect(text).toContain('HUBSPOT_CLIENT_SECRET');
    expect(text.match(/could not give the sandbox CRM the panel secrets/g)).toHaveLength(1);
  });
});
