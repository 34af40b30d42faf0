import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Who may frame LeadScore's pages. CSP host wildcards match any depth of subdomain, so each entry
 * covers its sandboxes too (`x.sandbox.lightning.force.com`, `x.sandbox.my.salesforce.com`).
 * - `*.lightning.force.com`: Lightning Experience, where the Canvas component and LWC live;
 * - `*.vf.force.com` and `*.visualforce.com`: Visualforce pages hosting `<apex:canvasApp>` (enhanced and
 *   older My Domain hosts); frame-ancestors checks every ancestor, so a Canvas inside a VF page in
 *   Lightning needs both;
 * - `*.my.salesforce.com`: Salesforce Classic with My Domain (mandatory for every org since 2022);
 * - `*.hubspot.com`: cards are not iframes (hubspot.fetch calls us from HubSpot's servers); only an
 *   iframe modal frames a page, from the app host of the portal's data centre (`app.hubspot.com`,
 *   `app-eu1.hubspot.com`, and `app-<hublet>.hubspot.com` for each new one: CSP cannot say `app-*`).
 *   Customer-hosted HubSpot content lives on other domains (hs-sites.com, hubspotpagebuilder.com).
 * Not `*.force.com` as a whole: that includes customers' public Experience Cloud sites.
 */
export const FRAME_ANCESTORS = [
  'https://*.lightning.force.com',
  'https://*.vf.force.com',
  'https://*.visualforce.com',
  'https://*.my.salesforce.com',
  'https://*.hubspot.com',
] as const;

export interface SecurityHeaderOptions {
  /**
   * More frame ancestors, for the local demo page only (npm start shows the panel framed by the
   * server's own page), e.g. `'self'`. Production passes none.
   */
  extraFrameAncestors?: readonly string[];
}

/**
 * Helmet with a CSP for an API that is framed only by the CRMs. X-Frame-Options is off: it cannot
 * express "these hosts" and a SAMEORIGIN value would contradict frame-ancestors in older browsers.
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: [...FRAME_ANCESTORS, ...(options.extraFrameAncestors ?? [])],
        upgradeInsecureRequests: null,
      },
    },
    xFrameOptions: false,
    // hubspot.fetch and the Apex callout are server-to-server; the referrer would only leak paths.
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** API answers are per caller and may hold personal data: no browser or proxy keeps them. */
export function noStore(): RequestHandler {
  return (_request, response, next) => {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    next();
  };
}

const SERVED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Methods the server serves, and nothing else: OPTIONS gets an empty 204 (Express would otherwise
 * answer a text list of the route's methods; a CORS middleware mounted before this one still answers
 * preflights itself), and TRACE, PROPFIND and the like a JSON 405.
 */
export function methodGuard(): RequestHandler {
  return (request, response, next) => {
    if (SERVED_METHODS.has(request.method)) {
      next();
      return;
    }
    response.setHeader('Cache-Control', 'no-store');
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    response.setHeader('Allow', [...SERVED_METHODS].join(', '));
    response.status(405).json({
      error: {
        code: 'METHOD_NOT_ALLOWED',
        message: `method ${request.method.slice(0, 16)} is not served: use ${[...SERVED_METHODS].join(', ')}`,
        requestId: String(response.getHeader('X-Request-Id') ?? 'unassigned'),
      },
    });
  };
}
