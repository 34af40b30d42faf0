import type { Locator, Page } from 'playwright-core';
import { PANEL_FRAME_SELECTOR } from './panel.ts';
import { product } from './product.ts';

export type Crm = 'salesforce' | 'hubspot';
/** Who the demo shows the CRM to: the installing admin, or a sales rep. */
export type ViewingAs = 'admin' | 'rep';

const CRM_NAME: Record<Crm, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };
const LIST_LINK: Record<Crm, string> = {
  salesforce: 'Open the Salesforce leads',
  hubspot: 'Open the HubSpot contacts',
};
const RECORDS_PATH: Record<Crm, string> = {
  salesforce: '/demo/salesforce/leads',
  hubspot: '/demo/hubspot/contacts',
};

/** The demo's home page, as a person opens http://localhost:3000. */
export async function openDemoHome(page: Page): Promise<void> {
  const response = await page.goto(product().url);
  if (response === null || !response.ok()) {
    throw new Error(`the demo home page ${product().url} answered ${response?.status() ?? 'nothing'}`);
  }
}

/** The `Leads` table of the demo's page for a CRM. */
export function leadsTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Leads' });
}

/** Switches the demo page to the admin's or the rep's view of the CRM (the `Viewing as` links). */
export async function viewAs(page: Page, as: ViewingAs): Promise<void> {
  const link = page
    .getByRole('navigation', { name: 'Viewing as' })
    .getByRole('link', { name: as === 'admin' ? 'Admin' : 'Rep', exact: true });
  if ((await link.getAttribute('aria-current')) === 'page') return;
  await link.click();
  await page.waitForURL(new RegExp(`[?&]as=${as}(?:&|$)`));
}

/** From the home page to the CRM's list of leads (Salesforce) or contacts (HubSpot). */
export async function openLeadList(page: Page, crm: Crm, as: ViewingAs = 'admin'): Promise<Locator> {
  await openDemoHome(page);
  await page.getByRole('link', { name: LIST_LINK[crm], exact: true }).click();
  await viewAs(page, as);
  const table = leadsTable(page);
  await table.waitFor({ state: 'visible' });
  return table;
}

/** The lead name links of the `Leads` table, in the table's order. */
export function leadLinks(table: Locator): Locator {
  return table.getByRole('link');
}

/**
 * Opens the record page of the index-th lead of the CRM's list by its link in the `Leads` table and
 * waits until the panel iframe is there; answers the lead's name as the list shows it.
 */
export async function openLead(page: Page, crm: Crm, index = 0, as: ViewingAs = 'admin'): Promise<string> {
  const table = await openLeadList(page, crm, as);
  const link = leadLinks(table).nth(index);
  const name = ((await link.textContent()) ?? '').trim();
  await link.click();
  await page.getByRole('heading', { level: 1, name }).waitFor({ state: 'visible' });
  await page.locator(PANEL_FRAME_SELECTOR).waitFor({ state: 'attached' });
  return name;
}

/** Opens the demo's record page of one CRM record by id, as the list's links address it. */
export async function openRecord(page: Page, crm: Crm, id: string, as: ViewingAs = 'admin'): Promise<void> {
  const url = new URL(`${RECORDS_PATH[crm]}/${encodeURIComponent(id)}`, product().url);
  url.searchParams.set('as', as);
  const response = await page.goto(url.href);
  if (response === null || !response.ok()) {
    throw new Error(`the record page ${url.href} answered ${response?.status() ?? 'nothing'}`);
  }
  await page.locator(PANEL_FRAME_SELECTOR).waitFor({ state: 'attached' });
}

/** The `LeadScore score field` status of a demo record page: the CRM field's value as a number. */
export async function scoreField(page: Page): Promise<number | undefined> {
  const text = (await page.getByRole('status', { name: 'LeadScore score field' }).textContent()) ?? '';
  const match = /-?\d+(?:\.\d+)?/.exec(text);
  return match === null ? undefined : Number(match[0]);
}

/** Opens a page of the demo that frames an admin view by the CRM's `Settings` or `Model health` link. */
export async function openAdminView(
  page: Page,
  view: 'Settings' | 'Model health',
  crm: Crm = 'salesforce',
): Promise<void> {
  await openLeadList(page, crm, 'admin');
  await page
    .getByRole('navigation', { name: CRM_NAME[crm], exact: true })
    .getByRole('link', { name: view, exact: true })
    .click();
  await page.locator(PANEL_FRAME_SELECTOR).waitFor({ state: 'attached' });
}

/** LeadScore's fields on a CRM record, as the sandbox's listing shows them. */
export interface SandboxRecord {
  id: string;
  name: string;
  leadscore: { score: number | null; tier: string | null; factors: string[]; modelVersion: string | null };
}

const LISTING: Record<Crm, string> = {
  salesforce: '/sandbox/salesforce/leads',
  hubspot: '/sandbox/hubspot/contacts',
};

function isSandboxRecord(value: unknown): value is SandboxRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<SandboxRecord>;
  return typeof record.id === 'string' && typeof record.leadscore === 'object' && record.leadscore !== null;
}

/** The first `count` records of the sandbox CRM's listing (the demo's list order), 200 a page. */
export async function sandboxRecords(crm: Crm, count: number): Promise<SandboxRecord[]> {
  const records: SandboxRecord[] = [];
  while (records.length < count) {
    const limit = Math.min(200, count - records.length);
    const url = new URL(LISTING[crm], product().sandboxUrl);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('offset', String(records.length));
    const response = await fetch(url);
    if (!response.ok)
      throw new Error(`GET ${url.href} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { records?: unknown };
    const page = Array.isArray(body.records) ? body.records : [];
    if (!page.every(isSandboxRecord))
      throw new Error(`GET ${url.href} answered records without id or leadscore`);
    records.push(...page);
    if (page.length < limit) break;
  }
  return records;
}
