import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export interface HomePageFacts {
  /** How the server reaches Redis, without credentials: "a private redis-server on port 41234". */
  redisDescription: string;
  redisReachable: boolean;
  startedAt: Date;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * What `GET /` answers until the demo page exists: what is running, whether its Redis answers, and
 * where to look next. Self-contained: no script and no style (the CSP allows neither inline).
 */
export function renderHomePage(facts: HomePageFacts): string {
  const status = facts.redisReachable ? 'reachable' : 'not reachable (see /healthz for the reason)';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LeadScore ${escapeHtml(packageJson.version)}</title>
</head>
<body>
<h1>LeadScore is running</h1>
<p>Predictive lead scoring for Salesforce and HubSpot, version ${escapeHtml(packageJson.version)}.</p>
<dl>
  <dt>Server</dt>
  <dd>The LeadScore HTTP server, started ${escapeHtml(facts.startedAt.toISOString())}.</dd>
  <dt>Redis</dt>
  <dd>${escapeHtml(facts.redisDescription)}: ${status}.</dd>
  <dt>Health</dt>
  <dd><a href="/healthz">/healthz</a> answers <code>{"status":"ok","redis":"ok"}</code> when everything is up, and 503 with the reason when Redis is not.</dd>
</dl>
<p>The scoring pipeline, the record panel and the settings pages mount on this server as they are built.</p>
</body>
</html>
`;
}
