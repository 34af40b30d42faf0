import { leadIdFor } from '../../connector/providers/hubspot/hubspot-mappers.ts';
import { IdentityLinker } from '../../connector/sync/link-identities.ts';
import type { CrmConnector, RejectedRecord, SyncOptions, SyncPage } from '../../shared/crm-connector.ts';
import type { Logger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Store } from '../../shared/store/store.ts';
import type { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';

/** Object families in the order they sync: activities and outcomes name leads stored before them. */
export const syncFamilies = ['leads', 'activities', 'outcomes'] as const;
export type SyncFamily = (typeof syncFamilies)[number];

export type SyncMode = 'full' | 'incremental';

export interface SyncServiceDeps {
  store: Store;
  hygiene: SyncHygieneRepository;
  connectorFor: (tenantId: TenantId) => Promise<CrmConnector>;
  logger: Logger;
  now?: () => Date;
  /**
   * Called once a page's records are stored and before its cursor is saved (the window a crash
   * replays); tests use it to crash there.
   */
  afterPageStored?: (family: SyncFamily, page: number) => Promise<void> | void;
  /** Called after a page's cursor is saved. */
  afterCursorSaved?: (family: SyncFamily, page: number) => Promise<void> | void;
}

export interface FamilyResult {
  family: SyncFamily;
  pages: number;
  written: number;
  unchanged: number;
  rejected: number;
  deleted: number;
}

/**
 * The cursor a family resumes from. An incremental sync continues where the last stored page left
 * it. A full reconcile starts from nothing but keeps its own progress under `<family>-reconcile`, so
 * a crashed reconcile resumes too and never moves the incremental cursor backwards meanwhile.
 */
export function cursorName(family: SyncFamily, mode: SyncMode): string {
  return mode === 'full' ? `${family}-reconcile` : family;
}

function deletedLeadIds(tenantId: TenantId, crmIds: readonly string[]): string[] {
  // HubSpot leads are keyed `<tenant>:contact:<id>`; Salesforce keeps the CRM id as the lead id.
  return tenantId.startsWith('hs:') ? crmIds.map((crmId) => leadIdFor(tenantId, crmId)) : [...crmIds];
}

function pagesOf(
  connector: CrmConnector,
  family: SyncFamily,
  options: SyncOptions,
): AsyncIterable<SyncPage<unknown>> {
  if (family === 'leads') return connector.syncLeads(options);
  if (family === 'activities') return connector.syncActivities(options);
  return connector.syncOutcomes(options);
}

/**
 * Drives the connector's sync iterators into the store, one family after another. Each page is
 * stored first and its cursor saved after, so a crash at any point resumes from the last stored
 * page: the page in flight is replayed, and the idempotent upserts write nothing twice.
 */
export class SyncService {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async syncTenant(
    tenantId: TenantId,
    mode: SyncMode,
    options: { signal?: AbortSignal } = {},
  ): Promise<FamilyResult[]> {
    const connector = await this.deps.connectorFor(tenantId);
    const results: FamilyResult[] = [];
    for (const family of syncFamilies) {
      results.push(await this.syncFamily(connector, tenantId, family, mode, options.signal));
    }
    const usage = (await connector.describe()).apiUsage;
    await this.deps.hygiene.recordSuccess(tenantId, this.now().toISOString(), usage);
    return results;
  }

  private async syncFamily(
    connector: CrmConnector,
    tenantId: TenantId,
    family: SyncFamily,
    mode: SyncMode,
    signal: AbortSignal | undefined,
  ): Promise<FamilyResult> {
    const { store, hygiene } = this.deps;
    const name = cursorName(family, mode);
    const saved = await store.cursors.get(tenantId, name);
    // A first load stays one across crashes and restarts until it reaches its end.
    const firstLoad = !(await hygiene.firstLoadDone(tenantId, family));
    const result: FamilyResult = { family, pages: 0, written: 0, unchanged: 0, rejected: 0, deleted: 0 };
    let lastCursor = saved?.cursor ?? null;
    const pages = pagesOf(connector, family, { cursor: lastCursor, ...(signal ? { signal } : {}) });
    for await (const page of pages) {
      const counts = await this.storePage(tenantId, family, page);
      result.pages += 1;
      result.written += counts.written;
      result.unchanged += counts.unchanged;
      result.rejected += counts.rejected;
      result.deleted += counts.deleted;
      await hygiene.recordPage(tenantId, family, counts, firstLoad);
      await this.deps.afterPageStored?.(family, result.pages);
      await store.cursors.save(tenantId, {
        object: name,
        cursor: page.nextCursor,
        updatedAt: this.now().toISOString(),
      });
      lastCursor = page.nextCursor;
      await this.deps.afterCursorSaved?.(family, result.pages);
    }
    if (mode === 'full' && lastCursor !== null) {
      // The reconcile read everything up to its last page: incremental syncs continue from there.
      await store.cursors.save(tenantId, {
        object: family,
        cursor: lastCursor,
        updatedAt: this.now().toISOString(),
      });
      await store.cursors.reset(tenantId, name);
    }
    if (firstLoad) await hygiene.finishFirstLoad(tenantId, family);
    this.deps.logger.info({ tenantId, mode, ...result }, 'sync of a family finished');
    return result;
  }

  private async storePage(
    tenantId: TenantId,
    family: SyncFamily,
    page: SyncPage<unknown>,
  ): Promise<{ written: number; unchanged: number; rejected: number; deleted: number }> {
    const { store, hygiene } = this.deps;
    const repository =
      family === 'leads' ? store.leads : family === 'activities' ? store.activities : store.outcomes;
    const report = await repository.upsertMany(tenantId, page.records);
    // Records the store refused count as rejected too, under the page's object name.
    const storeRejected: RejectedRecord[] = report.rejected.map((record) => ({
      object: family,
      crmId: record.id ?? 'unknown',
      problems: record.problems,
    }));
    const rejected = [...page.rejected, ...storeRejected];
    await hygiene.recordRejected(tenantId, rejected);
    let deleted = 0;
    if (family === 'leads') {
      const leads = page.records as Lead[];
      await this.linkPeople(tenantId, leads);
      if (page.deletedCrmIds.length > 0) {
        deleted = await store.leads.delete(tenantId, deletedLeadIds(tenantId, page.deletedCrmIds));
      }
    }
    return { written: report.written, unchanged: report.unchanged, rejected: rejected.length, deleted };
  }

  /** The same person under two email casings, or as both a Lead and a Contact, is linked in the store. */
  private async linkPeople(tenantId: TenantId, leads: Lead[]): Promise<void> {
    const withEmail = leads.filter((lead) => lead.email !== null);
    const personKeys = new IdentityLinker().add(withEmail);
    const others = await this.deps.hygiene.addToPeople(tenantId, personKeys);
    for (const [leadId, otherIds] of others) {
      for (const otherId of otherIds) await this.deps.store.identity.link(tenantId, leadId, otherId);
    }
  }
}
