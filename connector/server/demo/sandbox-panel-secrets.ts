import type { Logger } from '../../../shared/logger.ts';

export interface SandboxPanelSecrets {
  /** The sandbox CRM's base URL (config SANDBOX_CRM_URL). */
  sandboxUrl: string;
  /** Config SALESFORCE_CANVAS_CONSUMER_SECRET: the sandbox signs Canvas requests with it. */
  canvasConsumerSecret: string | undefined;
  /** Config HUBSPOT_CLIENT_SECRET: the sandbox's hubspot.fetch proxy signs with it. */
  hubspotClientSecret: string | undefined;
  logger: Logger;
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * Tells the sandbox CRM the app's panel secrets (what a real admin registers with each CRM), so the
 * Canvas requests and hubspot.fetch calls it signs are the ones this server accepts. Retries while
 * the sandbox starts; resolves false (with one warning) when it never answers.
 */
export async function shareSecretsWithSandbox(options: SandboxPanelSecrets): Promise<boolean> {
  const body = {
    ...(options.canvasConsumerSecret === undefined
      ? {}
      : { canvasConsumerSecret: options.canvasConsumerSecret }),
    ...(options.hubspotClientSecret === undefined
      ? {}
      : { hubspotClientSecret: options.hubspotClientSecret }),
  };
  const missing = [
    ...(options.canvasConsumerSecret === undefined ? ['SALESFORCE_CANVAS_CONSUMER_SECRET'] : []),
    ...(options.hubspotClientSecret === undefined ? ['HUBSPOT_CLIENT_SECRET'] : []),
  ];
  if (missing.length > 0)
    options.logger.warn(
      { missing },
      `the demo panels need ${missing.join(' and ')}: without it the sandbox cannot sign panel requests this server accepts`,
    );
  if (Object.keys(body).length === 0) return false;
  const attempts = options.attempts ?? 10;
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const answer = await fetch(`${options.sandboxUrl}/sandbox/panels/secrets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      if (answer.ok) {
        options.logger.info('the sandbox CRM signs panel requests with this server’s secrets');
        return true;
      }
      reason = `the sandbox answered ${answer.status}`;
      if (answer.status < 500) break;
    } catch (error) {
      reason = (error as Error).message;
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
  }
  options.logger.warn(
    { reason },
    'could not give the sandbox CRM the panel secrets: the demo panels will be refused',
  );
  return false;
}
