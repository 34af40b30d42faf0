import type { PanelView } from '../panel/panel-routes.ts';
import type { CrmRecordView, DemoCrm, RecordPage } from './sandbox-client.ts';

/**
 * The demo's server-rendered pages: a Salesforce-like and a HubSpot-like CRM around the real panel.
 * No inline script or style (the CSP is `default-src 'self'`): one stylesheet and one script from
 * /demo/assets/, behaviour chosen by data attributes.
 */

export type ViewingAs = 'admin' | 'rep';

export const ACTIVITIES = [
  { type: 'pricing_page_view', label: 'Pricing page view' },
  { type: 'email_click', label: 'Email click' },
  { type: 'email_open', label: 'Email open' },
  { type: 'meeting', label: 'Meeting booked' },
  { type: 'form_submit', label: 'Form submission' },
  { type: 'demo_request', label: 'Demo request' },
  { type: 'webinar', label: 'Webinar attended' },
  { type: 'content_download', label: 'Content download' },
] as const;

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const CRM_NAMES: Record<DemoCrm, { product: string; app: string; records: string; record: string }> = {
  salesforce: { product: 'Salesforce', app: 'Sales', records: 'Leads', record: 'Lead' },
  hubspot: { product: 'HubSpot', app: 'CRM', records: 'Contacts', record: 'Contact' },
};

export function recordsPath(crm: DemoCrm): string {
  return crm === 'salesforce' ? '/demo/salesforce/leads' : '/demo/hubspot/contacts';
}

function withAs(path: string, as: ViewingAs): string {
  return `${path}${path.includes('?') ? '&' : '?'}as=${as}`;
}

function layout(input: {
  title: string;
  theme: DemoCrm | 'home';
  header: string;
  main: string;
  mainAttributes?: string;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<link rel="icon" href="/demo/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo/assets/demo.css">
<script src="/demo/assets/demo.js" defer></script>
</head>
<body class="theme-${input.theme}">
${input.header}
<main id="main"${input.mainAttributes ?? ''}>
${input.main}
</main>
</body>
</html>
`;
}

/** The admin / rep switch: links to the same page as the other person, the current one marked. */
function viewingAsSwitch(as: ViewingAs, pathFor: (as: ViewingAs) => string): string {
  const option = (value: ViewingAs, label: string) =>
    value === as
      ? `<li><a class="switch-option is-current" href="${escapeHtml(pathFor(value))}" aria-current="page">${label}</a></li>`
      : `<li><a class="switch-option" href="${escapeHtml(pathFor(value))}">${label}</a></li>`;
  return `<nav class="viewing-as" aria-label="Viewing as">
<span class="viewing-as-label" aria-hidden="true">Viewing as</span>
<ul>${option('admin', 'Admin')}${option('rep', 'Rep')}</ul>
</nav>`;
}

function crmHeader(
  crm: DemoCrm,
  as: ViewingAs,
  current: 'records' | PanelView,
  pathFor: (as: ViewingAs) => string,
): string {
  const names = CRM_NAMES[crm];
  const link = (key: 'records' | PanelView, href: string, label: string) =>
    `<li><a href="${escapeHtml(withAs(href, as))}"${key === current ? ' aria-current="page"' : ''}>${label}</a></li>`;
  const base = crm === 'salesforce' ? '/demo/salesforce' : '/demo/hubspot';
  return `<header class="app-bar">
<a class="skip-link" href="#main">Skip to content</a>
<a class="app-home" href="/">LeadScore demo</a>
<span class="app-name">${names.product} ${names.app} (sandbox)</span>
<nav class="app-nav" aria-label="${names.product}">
<ul>
${link('records', recordsPath(crm), names.records)}
${link('settings', `${base}/settings`, 'Settings')}
${link('health', `${base}/health`, 'Model health')}
</ul>
</nav>
${viewingAsSwitch(as, pathFor)}
</header>`;
}

const dash = '<span class="empty">(empty)</span>';
const value = (text: string | null): string => (text === null ? dash : escapeHtml(text));
const scoreText = (record: CrmRecordView): string =>
  record.leadscore.score === null ? 'Not scored yet' : String(record.leadscore.score);

export function recordListPage(crm: DemoCrm, page: RecordPage, as: ViewingAs): string {
  const names = CRM_NAMES[crm];
  const pageNumber = Math.floor(page.offset / page.limit) + 1;
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const listPath = (number: number, who: ViewingAs) => withAs(`${recordsPath(crm)}?page=${number}`, who);
  const rows = page.records
    .map(
      (record) => `<tr>
<th scope="row"><a href="${escapeHtml(withAs(`${recordsPath(crm)}/${encodeURIComponent(record.id)}`, as))}">${escapeHtml(record.name)}</a></th>
<td>${value(record.company)}</td>
<td>${value(record.title)}</td>
<td>${value(record.status)}</td>
<td class="number">${record.leadscore.score === null ? dash : String(record.leadscore.score)}</td>
<td>${value(record.leadscore.tier)}</td>
</tr>`,
    )
    .join('\n');
  const pager = `<nav class="pager" aria-label="Pages">
${pageNumber > 1 ? `<a href="${escapeHtml(listPath(pageNumber - 1, as))}">Previous page</a>` : ''}
<span>Page ${pageNumber} of ${pages} (${page.total} records, ${page.scored} scored)</span>
${pageNumber < pages ? `<a href="${escapeHtml(listPath(pageNumber + 1, as))}">Next page</a>` : ''}
</nav>`;
  return layout({
    title: `${names.records} | ${names.product} sandbox`,
    theme: crm,
    header: crmHeader(crm, as, 'records', (who) => listPath(pageNumber, who)),
    main: `<div class="list-header">
<p class="object-label">${names.records}</p>
<h1>${crm === 'salesforce' ? 'All open leads' : 'All contacts'}</h1>
</div>
<div class="card">
<table class="record-table">
<caption>Leads</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Company</th><th scope="col">Title</th><th scope="col">${crm === 'salesforce' ? 'Lead status' : 'Lead status'}</th><th scope="col">LeadScore Score</th><th scope="col">LeadScore Tier</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">No records in the sandbox yet.</td></tr>'}
</tbody>
</table>
${pager}
</div>`,
  });
}

function panelFrame(src: string): string {
  return `<iframe class="panel-frame" title="LeadScore panel" src="${escapeHtml(src)}"></iframe>`;
}

export function frameSource(crm: DemoCrm, view: PanelView, as: ViewingAs, recordId?: string): string {
  const record =
    recordId === undefined
      ? ''
      : `&${crm === 'salesforce' ? 'lead' : 'contact'}=${encodeURIComponent(recordId)}`;
  return `/demo/${crm}/frame?view=${view}${record}&as=${as}`;
}

function renewAttribute(crm: DemoCrm, as: ViewingAs, recordId?: string): string {
  if (crm !== 'salesforce') return '';
  const record = recordId === undefined ? '' : `lead=${encodeURIComponent(recordId)}&`;
  return ` data-renew-url="${escapeHtml(`/demo/salesforce/signed-request?${record}as=${as}`)}"`;
}

export function recordPage(crm: DemoCrm, record: CrmRecordView, as: ViewingAs): string {
  const names = CRM_NAMES[crm];
  const id = encodeURIComponent(record.id);
  const options = ACTIVITIES.map(
    (activity) => `<option value="${activity.type}">${activity.label}</option>`,
  ).join('');
  const factors = record.leadscore.factors.length
    ? `<ol class="factor-list">${record.leadscore.factors.map((factor) => `<li>${escapeHtml(factor)}</li>`).join('')}</ol>`
    : dash;
  return layout({
    title: `${record.name} | ${names.record} | ${names.product} sandbox`,
    theme: crm,
    header: crmHeader(crm, as, 'records', (who) => withAs(`${recordsPath(crm)}/${id}`, who)),
    mainAttributes: ` data-fields-url="${escapeHtml(`/demo/${crm}/records/${id}/fields`)}" data-score="${record.leadscore.score ?? ''}"${renewAttribute(crm, as, record.id)}`,
    main: `<div class="record-header card">
<p class="object-label">${names.record}</p>
<h1>${escapeHtml(record.name)}</h1>
<dl class="highlights">
<div><dt>Company</dt><dd>${value(record.company)}</dd></div>
<div><dt>Title</dt><dd>${value(record.title)}</dd></div>
<div><dt>Lead status</dt><dd>${value(record.status)}</dd></div>
</dl>
</div>
<div class="record-body">
<div class="record-details">
<section class="card" aria-labelledby="details-heading">
<h2 id="details-heading">Details</h2>
<dl class="fields">
<div><dt>Email</dt><dd>${value(record.email)}</dd></div>
<div><dt>Last modified</dt><dd>${value(record.lastModified)}</dd></div>
</dl>
</section>
<section class="card" aria-labelledby="leadscore-fields-heading">
<h2 id="leadscore-fields-heading">LeadScore fields</h2>
<p class="field-note">The values the CRM holds, as LeadScore wrote them back. They update by themselves.</p>
<dl class="fields">
<div><dt id="score-field-label">LeadScore Score</dt><dd><span id="score-field" role="status" aria-label="LeadScore score field">${escapeHtml(scoreText(record))}</span></dd></div>
<div><dt>LeadScore Tier</dt><dd id="tier-field">${value(record.leadscore.tier)}</dd></div>
<div><dt>LeadScore Scored At</dt><dd id="scored-at-field">${value(record.leadscore.scoredAt)}</dd></div>
<div><dt>LeadScore Factors</dt><dd id="factors-field">${factors}</dd></div>
</dl>
</section>
<section class="card" aria-labelledby="simulate-heading">
<h2 id="simulate-heading">Act as this ${names.record.toLowerCase()}</h2>
<p class="field-note">Records an activity in the sandbox ${names.product}; its webhook reaches LeadScore, which rescores and writes the fields back.</p>
<form id="simulate-form" class="simulate" method="post" action="${escapeHtml(withAs(`/demo/${crm}/records/${id}/activities`, as))}">
<label for="activity-type">Activity</label>
<select id="activity-type" name="type">${options}</select>
<button type="submit" class="button-brand">Simulate activity</button>
</form>
<p id="activity-status" class="activity-status" role="status" aria-label="Simulation result"></p>
</section>
</div>
<section class="panel-column card" aria-label="LeadScore panel">
${panelFrame(frameSource(crm, 'record', as, record.id))}
</section>
</div>`,
  });
}

export function viewPage(crm: DemoCrm, view: 'settings' | 'health', as: ViewingAs): string {
  const names = CRM_NAMES[crm];
  const title = view === 'settings' ? 'LeadScore settings' : 'LeadScore model health';
  const path = `/demo/${crm}/${view}`;
  return layout({
    title: `${title} | ${names.product} sandbox`,
    theme: crm,
    header: crmHeader(crm, as, view, (who) => withAs(path, who)),
    mainAttributes: renewAttribute(crm, as),
    main: `<div class="list-header">
<p class="object-label">LeadScore</p>
<h1>${title}</h1>
</div>
${as === 'rep' ? '<p class="notice">You are viewing as a rep: LeadScore shows settings and model health to admins only.</p>' : ''}
<section class="card wide-panel" aria-label="LeadScore panel">
${panelFrame(frameSource(crm, view, as))}
</section>`,
  });
}

/** The frame's first page, as Salesforce serves a Canvas app: a form that POSTs the signed request. */
export function canvasFramePage(signedRequest: string, view: PanelView): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Opening LeadScore</title>
<link rel="icon" href="/demo/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo/assets/demo.css">
<script src="/demo/assets/demo.js" defer></script>
</head>
<body class="theme-frame">
<form id="canvas-form" method="post" action="/panel/canvas?view=${view}">
<input type="hidden" name="signed_request" value="${escapeHtml(signedRequest)}">
<p>Opening LeadScore…</p>
<button type="submit">Open LeadScore</button>
</form>
</body>
</html>
`;
}

export interface TenantSummary {
  crm: DemoCrm;
  label: string;
  tenantId: string;
  /** What a person sees first: "Not installed", "Syncing", "Training", "Scored 1,240". */
  state: string;
  detail: string[];
  /** True while the first model trains: the panel shows rules-based scores meanwhile. */
  training: boolean;
  installed: boolean;
}

export function demoHomePage(tenants: TenantSummary[], panelBuilt: boolean): string {
  const cards = tenants
    .map((tenant) => {
      const names = CRM_NAMES[tenant.crm];
      const base = `/demo/${tenant.crm}`;
      return `<section class="card tenant" aria-labelledby="tenant-${tenant.crm}">
<h2 id="tenant-${tenant.crm}">${escapeHtml(tenant.label)}</h2>
<p class="tenant-state"><span class="state-badge">${escapeHtml(tenant.state)}</span></p>
${tenant.detail.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
${tenant.training ? '<p class="notice">The first model is training: until it is ready the panel shows rules-based scores.</p>' : ''}
<ul class="tenant-links">
<li><a href="${recordsPath(tenant.crm)}">Open the ${names.product} ${names.records.toLowerCase()}</a></li>
<li><a href="${base}/settings">${names.product} LeadScore settings</a></li>
<li><a href="${base}/health">${names.product} LeadScore model health</a></li>
${tenant.installed ? '' : `<li><a href="/oauth/${tenant.crm}/install">Install LeadScore in ${names.product}</a></li>`}
</ul>
</section>`;
    })
    .join('\n');
  return layout({
    title: 'LeadScore demo',
    theme: 'home',
    header: `<header class="app-bar"><a class="skip-link" href="#main">Skip to content</a><span class="app-home">LeadScore demo</span></header>`,
    main: `<h1>LeadScore on a sandbox CRM</h1>
<p>Both sandbox CRMs below hold synthetic leads. Open a lead to see LeadScore's panel as the CRM shows it, simulate what the person does, and watch the score change.</p>
${panelBuilt ? '' : '<p class="notice">The panel is not built: run npm run build:panel (npm start builds it).</p>'}
<div class="tenants">
${cards}
</div>
<p class="field-note"><a href="/healthz">Server health</a></p>`,
  });
}

export function demoErrorPage(title: string, message: string): string {
  return layout({
    title: `LeadScore demo: ${title}`,
    theme: 'home',
    header: '<header class="app-bar"><a class="app-home" href="/">LeadScore demo</a></header>',
    main: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`,
  });
}
