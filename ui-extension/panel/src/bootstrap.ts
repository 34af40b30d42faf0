import { z } from 'zod';

/**
 * What the server tells the panel about where it runs: a JSON script element it renders into the
 * page (`<script id="leadscore-bootstrap" type="application/json">`), read once at start.
 */

export const BOOTSTRAP_ELEMENT_ID = 'leadscore-bootstrap';

const absoluteUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL such as http://localhost:3000/api/v1' },
);

export const panelBootstrapSchema = z
  .object({
    host: z.enum(['salesforce', 'hubspot', 'standalone']),
    view: z.enum(['record', 'settings', 'health']),
    crmId: z.string().min(1).max(512).optional(),
    apiBase: absoluteUrl,
    session: z
      .object({
        token: z.string().min(1),
        expiresAt: z.string().min(1),
        tenantId: z.string().min(1),
        userId: z.string().min(1),
        role: z.enum(['admin', 'rep']),
      })
      .optional(),
    hubspot: z
      .object({
        portalId: z.number().int().positive(),
        userId: z.number().int().positive(),
        fetchBridge: z.string().min(1),
      })
      .optional(),
  })
  .superRefine((value, context) => {
    if (value.host === 'hubspot' && value.hubspot === undefined)
      context.addIssue({
        code: 'custom',
        path: ['hubspot'],
        message: 'is required when host is "hubspot" ({portalId, userId, fetchBridge})',
      });
    if (value.host === 'salesforce' && value.session === undefined)
      context.addIssue({
        code: 'custom',
        path: ['session'],
        message: 'is required when host is "salesforce" (the server puts the Canvas session in)',
      });
  });
export type PanelBootstrap = z.infer<typeof panelBootstrapSchema>;
export type PanelView = PanelBootstrap['view'];

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

/** Parses the bootstrap's JSON text; the error names each wrong field and what it should be. */
export function parseBootstrap(text: string | null | undefined): PanelBootstrap {
  if (text === null || text === undefined || text.trim() === '')
    throw new BootstrapError(
      `The page has no LeadScore settings (<script id="${BOOTSTRAP_ELEMENT_ID}">): open the panel from the LeadScore server's /panel/ page`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BootstrapError('The LeadScore settings of this page are not valid JSON: reload the page');
  }
  const parsed = panelBootstrapSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.length === 0 ? 'bootstrap' : issue.path.map(String).join('.');
      return `${field} ${issue.message}`;
    });
    throw new BootstrapError(`The LeadScore settings of this page are not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The bootstrap of a document (the browser's, or one a test builds). */
export function readBootstrap(document: {
  getElementById(id: string): { textContent: string | null } | null;
}): PanelBootstrap {
  return parseBootstrap(document.getElementById(BOOTSTRAP_ELEMENT_ID)?.textContent);
}

/** The token of a `#session=<token>` fragment, if there is one. */
export function sessionTokenOfHash(hash: string): string | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const token = new URLSearchParams(fragment).get('session');
  return token === null || token === '' ? undefined : token;
}

/**
 * Reads `#session=<token>` and removes it from the address bar at once, so it is neither bookmarked
 * nor shared with the link; the token then lives in memory only.
 */
export function takeSessionFragment(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState' | 'state'>,
): string | undefined {
  const token = sessionTokenOfHash(location.hash);
  if (token !== undefined) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return token;
}
