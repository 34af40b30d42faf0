import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { hubspotSignatureV3 } from '../../server/auth/hubspot-signature.ts';
import { describeIssues } from '../events/event-targets.ts';
import type { SalesforceSandboxState } from '../salesforce/salesforce-router.ts';
import { humanUserId } from '../salesforce/salesforce-store.ts';

/**
 * The CRMs' side of panel authentication: Salesforce signing a Canvas request for the user who opened
 * a record, and HubSpot's `hubspot.fetch` proxy signing a card's call with the app's client secret.
 * Both secrets are the app's (LeadScore's), so they are set after the sandbox starts, like the
 * webhook targets.
 */

export const panelSecretsUpdateSchema = z
  .object({
    /** The Connected App's consumer secret: the key of Canvas signed requests. */
    canvasConsumerSecret: z.string().min(1, 'must not be empty').nullable().optional(),
    /** The HubSpot app's client secret: the key of hubspot.fetch's v3 signature. */
    hubspotClientSecret: z.string().min(1, 'must not be empty').nullable().optional(),
  })
  .strict();
export type PanelSecretsUpdate = z.infer<typeof panelSecretsUpdateSchema>;

/** Thrown by configure() naming each bad field. */
export class PanelSecretsError extends Error {
  override readonly name = 'PanelSecretsError';
}

/** A person of the sandbox org or portal, as the demo switches between them. */
export interface SandboxPanelUser {
  id: string;
  name: string;
  /** `admin`: the installing administrator; `rep`: a sales rep without LeadScore admin rights. */
  kind: 'admin' | 'rep';
}

/** The sandbox org's people: the integration admin who installs LeadScore, and a rep who owns the records. */
export function salesforceUsers(state: SalesforceSandboxState): SandboxPanelUser[] {
  return [
    { id: state.userId, name: 'Avery Admin', kind: 'admin' },
    { id: humanUserId, name: 'Riley Rep', kind: 'rep' },
  ];
}

export class SandboxPanelHosts {
  private canvasSecret: string | null;
  private hubspotSecret: string | null;

  constructor(options: PanelSecretsUpdate = {}) {
    this.canvasSecret = options.canvasConsumerSecret ?? null;
    this.hubspotSecret = options.hubspotClientSecret ?? null;
  }

  /** Sets (a value), removes (null) or keeps (absent) each secret; answers which are set. */
  configure(update: PanelSecretsUpdate | unknown): {
    canvasConsumerSecret: boolean;
    hubspotClientSecret: boolean;
  } {
    const parsed = panelSecretsUpdateSchema.safeParse(update ?? {});
    if (!parsed.success)
      throw new PanelSecretsError(`invalid panel secrets: ${describeIssues(parsed.error)}`);
    if (parsed.data.canvasConsumerSecret !== undefined) this.canvasSecret = parsed.data.canvasConsumerSecret;
    if (parsed.data.hubspotClientSecret !== undefined) this.hubspotSecret = parsed.data.hubspotClientSecret;
    return this.configured();
  }

  configured(): { canvasConsumerSecret: boolean; hubspotClientSecret: boolean } {
    return {
      canvasConsumerSecret: this.canvasSecret !== null,
      hubspotClientSecret: this.hubspotSecret !== null,
    };
  }

  get canvasConsumerSecret(): string | null {
    return this.canvasSecret;
  }

  get hubspotClientSecret(): string | null {
    return this.hubspotSecret;
  }
}

/** What Salesforce puts in a Canvas request: the parts LeadScore reads, in Salesforce's shape. */
export interface CanvasEnvelopeInput {
  orgId: string;
  userId: string;
  userName: string;
  /** The record the panel is opened on; none for a Canvas app on a tab. */
  record?: { id: string; type: string };
  instanceUrl: string;
  oauthToken: string;
  issuedAtSeconds: number;
}

/**
 * `<Base64 HMAC-SHA256>.<Base64 JSON>`: standard Base64 (with padding) of the JSON envelope, and the
 * HMAC of that Base64 text under the consumer secret, as Salesforce signs Canvas requests.
 */
export function signCanvasRequest(consumerSecret: string, input: CanvasEnvelopeInput): string {
  const envelope = {
    algorithm: 'HMACSHA256',
    issuedAt: input.issuedAtSeconds,
    userId: input.userId,
    client: {
      instanceId: `_:LeadScore:${input.record?.id ?? 'tab'}`,
      oauthToken: input.oauthToken,
      instanceUrl: input.instanceUrl,
      targetOrigin: input.instanceUrl,
      refreshToken: null,
    },
    context: {
      user: {
        userId: input.userId,
        userName: `${input.userName.toLowerCase().replace(/\s+/g, '.')}@sandbox.example`,
        fullName: input.userName,
        language: 'en_US',
        locale: 'en_US',
        timeZone: 'Europe/London',
        userType: 'STANDARD',
      },
      organization: {
        organizationId: input.orgId,
        name: 'LeadScore Sandbox Org',
        currencyIsoCode: 'USD',
        multicurrencyEnabled: false,
      },
      environment: {
        displayLocation: 'Visualforce',
        locationUrl: input.record
          ? `${input.instanceUrl}/lightning/r/${input.record.type}/${input.record.id}/view`
          : `${input.instanceUrl}/lightning/n/LeadScore`,
        uiTheme: 'Theme4d',
        dimensions: { width: '100%', height: '600px' },
        ...(input.record ? { record: { attributes: { type: input.record.type }, Id: input.record.id } } : {}),
        version: { api: '62.0', season: 'WINTER' },
        parameters: {},
      },
      links: {
        restUrl: '/services/data/v62.0/',
        sobjectUrl: '/services/data/v62.0/sobjects/',
        queryUrl: '/services/data/v62.0/query/',
      },
    },
  };
  const envelopeBase64 = Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
  const signature = createHmac('sha256', consumerSecret).update(envelopeBase64).digest('base64');
  return `${signature}.${envelopeBase64}`;
}

/**
 * HubSpot's v3 signature of a `hubspot.fetch` it proxies: the same computation as its webhooks
 * (base64 HMAC-SHA256 over method, URI with HubSpot's decoded escapes, body and timestamp).
 */
export function signHubspotV3(
  clientSecret: string,
  request: { method: string; uri: string; body: string; timestamp: string },
): string {
  return hubspotSignatureV3(clientSecret, {
    method: request.method,
    uri: request.uri,
    rawBody: request.body,
    timestamp: request.timestamp,
  });
}
