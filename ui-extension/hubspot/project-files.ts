import type { HubspotWebhook, Manifest } from '../../shared/manifest.ts';

/**
 * The HubSpot developer project (platform 2025.2) as manifest.json describes it: every file here that
 * says something the manifest also says (scopes, webhook subscriptions, card location and title,
 * the settings page title, and the origin of our server) is written by `generate.ts`, never by hand.
 */

/** How to rewrite the generated files; the drift test and `--check` name it. */
export const GENERATE_COMMAND = 'node --import tsx ui-extension/hubspot/generate.ts';

export const PLATFORM_VERSION = '2025.2';

/**
 * The production origin HubSpot calls (cards' hubspot.fetch, OAuth redirect, webhooks). It is the
 * server's PUBLIC_URL: the v3 signature covers the full URI, so both must name the same origin.
 */
export const DEFAULT_PUBLIC_URL = 'https://leadscore.example.com';

/** Listing contact details, which the marketplace shows; manifest.json has no such section. */
export const DEFAULT_SUPPORT = {
  supportEmail: 'support@leadscore.example.com',
  documentationUrl: 'https://leadscore.example.com/docs',
  supportUrl: 'https://leadscore.example.com/support',
} as const;

/** Entry points of the UI features, relative to `src` as HubSpot wants them. */
export const CARD_ENTRYPOINT = '/app/cards/LeadScoreCard.tsx';
export const SETTINGS_ENTRYPOINT = '/app/settings/LeadScoreSettings.tsx';

/** Deliveries HubSpot may have in flight at once; the server answers each within a second. */
export const WEBHOOK_MAX_CONCURRENT_REQUESTS = 10;

export interface ProjectOptions {
  /** Origin of the LeadScore server, https, no path (config PUBLIC_URL of the server). */
  publicUrl: string;
}

export interface GeneratedFile {
  /** Relative to ui-extension/hubspot. */
  path: string;
  content: string;
}

export class ProjectOptionsError extends Error {
  override readonly name = 'ProjectOptionsError';
}

/** The origin of a public URL, refusing what hubspot.fetch cannot call (plain http, localhost, paths). */
export function publicOrigin(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new ProjectOptionsError(
      `public URL "${publicUrl}" is not a URL: give the server's public origin, such as ${DEFAULT_PUBLIC_URL}`,
    );
  }
  if (url.protocol !== 'https:')
    throw new ProjectOptionsError(
      `public URL "${publicUrl}" must use https: hubspot.fetch calls HTTPS URLs only (use a tunnel for a local server)`,
    );
  if (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]')
    throw new ProjectOptionsError(
      `public URL "${publicUrl}" names this machine: HubSpot calls from its own servers, so give a public host`,
    );
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    throw new ProjectOptionsError(
      `public URL "${publicUrl}" must be an origin without path, query or fragment, such as ${DEFAULT_PUBLIC_URL}`,
    );
  return url.origin;
}

type CrmObjectSubscription = {
  subscriptionType: 'object.creation' | 'object.propertyChange';
  objectType: string;
  propertyName?: string;
  active: true;
};
type LegacySubscription = { subscriptionType: string; propertyName?: string; active: true };

/**
 * Where each manifest subscription goes in webhooks-hsmeta.json. The legacy contact events keep their
 * legacy names (`contact.creation`, `contact.propertyChange`, `contact.deletion`), which the server's
 * webhook handler acts on; the engagement creations use the generic `object.creation`; the privacy
 * deletion is a hub event.
 */
export function webhookSubscriptions(webhooks: readonly HubspotWebhook[]): {
  crmObjects: CrmObjectSubscription[];
  legacyCrmObjects: LegacySubscription[];
  hubEvents: LegacySubscription[];
} {
  const crmObjects: CrmObjectSubscription[] = [];
  const legacyCrmObjects: LegacySubscription[] = [];
  const hubEvents: LegacySubscription[] = [];
  for (const hook of webhooks) {
    switch (hook.subscriptionType) {
      case 'object.creation':
        crmObjects.push({ subscriptionType: 'object.creation', objectType: hook.objectType, active: true });
        break;
      case 'contact.privacyDeletion':
        hubEvents.push({ subscriptionType: hook.subscriptionType, active: true });
        break;
      case 'contact.propertyChange':
        legacyCrmObjects.push({
          subscriptionType: hook.subscriptionType,
          propertyName: hook.propertyName,
          active: true,
        });
        break;
      case 'contact.creation':
      case 'contact.deletion':
        legacyCrmObjects.push({ subscriptionType: hook.subscriptionType, active: true });
        break;
      default: {
        const unknown: never = hook;
        throw new ProjectOptionsError(
          `manifest webhook ${JSON.stringify(unknown)} has no HubSpot project form`,
        );
      }
    }
  }
  return { crmObjects, legacyCrmObjects, hubEvents };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Every generated file of the project, in a stable order. */
export function projectFiles(manifest: Manifest, options: ProjectOptions): GeneratedFile[] {
  const origin = publicOrigin(options.publicUrl);
  const scoreProperty = manifest.hubspot.properties.find((property) => property.key === 'score');
  if (scoreProperty === undefined)
    throw new ProjectOptionsError(
      'manifest.json hubspot.properties has no "score" property for the card to watch',
    );
  const id = slug(manifest.name);
  const { hubspot } = manifest;
  const files: [string, unknown][] = [
    ['hsproject.json', { name: id, srcDir: 'src', platformVersion: PLATFORM_VERSION }],
    [
      'src/app/app-hsmeta.json',
      {
        uid: id,
        type: 'app',
        config: {
          name: manifest.name,
          description: manifest.description,
          distribution: 'marketplace',
          auth: {
            type: 'oauth',
            redirectUrls: [`${origin}/oauth/hubspot/callback`],
            requiredScopes: hubspot.oauthScopes,
            optionalScopes: hubspot.optionalScopes,
            conditionallyRequiredScopes: [],
          },
          permittedUrls: { fetch: [origin], iframe: [origin], img: [] },
          support: DEFAULT_SUPPORT,
        },
      },
    ],
    [
      'src/app/cards/leadscore-card-hsmeta.json',
      {
        uid: `${id}-record-card`,
        type: 'card',
        config: {
          name: hubspot.card.title,
          description: `${manifest.name} score of the contact: tier, the five factors behind it, history and the next step.`,
          location: hubspot.card.location,
          objectTypes: hubspot.card.objectTypes,
          entrypoint: CARD_ENTRYPOINT,
        },
      },
    ],
    [
      'src/app/settings/leadscore-settings-hsmeta.json',
      {
        uid: `${id}-settings`,
        type: 'settings',
        config: { name: manifest.settingsPage.title, entrypoint: SETTINGS_ENTRYPOINT },
      },
    ],
    [
      'src/app/webhooks/webhooks-hsmeta.json',
      {
        uid: `${id}-webhooks`,
        type: 'webhooks',
        config: {
          settings: {
            targetUrl: `${origin}/webhooks/hubspot`,
            maxConcurrentRequests: WEBHOOK_MAX_CONCURRENT_REQUESTS,
          },
          subscriptions: webhookSubscriptions(hubspot.webhooks),
        },
      },
    ],
  ];
  return [
    ...files.map(([path, value]) => ({ path, content: formatJson(value) })),
    {
      path: 'src/app/cards/lib/project-config.ts',
      content: configModule({
        API_ORIGIN: origin,
        CARD_TITLE: hubspot.card.title,
        SETTINGS_TITLE: manifest.settingsPage.title,
        PRODUCT_NAME: manifest.name,
        SCORE_PROPERTY: scoreProperty.name,
      }),
    },
  ];
}

const LINE_WIDTH = 110;
const INDENT = '  ';

/**
 * JSON as the repository's formatter (Biome) writes it: objects one key a line, arrays of plain
 * values on one line when that line fits in 110 columns, else one value a line.
 */
export function formatJson(value: unknown): string {
  return `${printJson(value, 0, 0)}\n`;
}

function isPlain(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `column` is where the value starts on its line; the trailing comma is counted by the caller's room. */
function printJson(value: unknown, depth: number, column: number): string {
  if (isPlain(value)) return JSON.stringify(value);
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPlain)) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      // +1 for a comma that may follow.
      if (column + inline.length + 1 <= LINE_WIDTH) return inline;
    }
    const items = value.map((item) => `${pad}${printJson(item, depth + 1, pad.length)}`);
    return `[\n${items.join(',\n')}\n${close}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => {
      const prefix = `${pad}${JSON.stringify(key)}: `;
      return `${prefix}${printJson(item, depth + 1, prefix.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${close}}`;
  }
  throw new ProjectOptionsError(`cannot write ${typeof value} as JSON`);
}

/** A string literal as Biome writes it: single quotes unless the text holds a single quote only. */
function quote(text: string): string {
  if (text.includes("'") && !text.includes('"')) return JSON.stringify(text);
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function configModule(values: Record<string, string>): string {
  const lines = [
    `// Written by ${GENERATE_COMMAND} from manifest.json: do not edit, run it again.`,
    '',
    ...Object.entries(values).map(([name, value]) => `export const ${name} = ${quote(value)};`),
    '',
  ];
  return lines.join('\n');
}
