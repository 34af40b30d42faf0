/**
 * The fewest API calls a full sync plus a score write-back can cost, from the page sizes each API
 * allows (README, "Sync cost"). The benchmark compares measured calls with these. Page sizes come
 * from the providers' own constants so the formula and the code cannot drift apart.
 */
import {
  archivedPageSize,
  associationBatchSize,
  batchReadSize,
  batchUpdateSize,
  engagementTypes,
  searchPageSize,
  webEventsPageSize,
} from '../../connector/providers/hubspot/constants.ts';
import {
  defaultSalesforceOptions,
  maxCollectionSize,
  maxQueryPageSize,
} from '../../connector/providers/salesforce/constants.ts';

export interface SalesforceCounts {
  /** Rows each full-load pass reads: Lead, Contact, Task and Event with a WhoId, responded CampaignMembers, converted Leads. */
  passes: Record<string, number>;
  /** Records written back with a score. */
  written: number;
}

export interface SalesforcePageSizes {
  queryPage: number;
  bulkThreshold: number;
  bulkMaxRecords: number;
  collection: number;
}

export const salesforcePageSizes: SalesforcePageSizes = {
  queryPage: maxQueryPageSize,
  bulkThreshold: defaultSalesforceOptions.bulkThreshold,
  bulkMaxRecords: defaultSalesforceOptions.bulkMaxRecords,
  collection: maxCollectionSize,
};

/** One pass: REST pages up to the Bulk threshold; above it a size probe, a job, one poll and result pages. */
export function salesforcePassMinimum(
  rows: number,
  sizes: SalesforcePageSizes = salesforcePageSizes,
): number {
  if (rows <= sizes.bulkThreshold) return Math.max(1, Math.ceil(rows / sizes.queryPage));
  return 1 + 1 + 1 + Math.ceil(rows / sizes.bulkMaxRecords);
}

export function salesforceMinimumCalls(
  counts: SalesforceCounts,
  sizes: SalesforcePageSizes = salesforcePageSizes,
): number {
  let calls = 0;
  for (const rows of Object.values(counts.passes)) calls += salesforcePassMinimum(rows, sizes);
  // The converted-opportunity pass (won/lost after conversion) is one query on an empty window.
  calls += 1;
  return calls + Math.ceil(counts.written / sizes.collection);
}

export interface HubspotCounts {
  /** Contacts the search returns (clean and dirty). */
  contacts: number;
  /** Engagements associated with contacts, by type (emails, meetings, calls, notes, tasks). */
  engagements: Record<string, number>;
  /** Deals associated with contacts. */
  deals: number;
  /** Archived contacts (the deletions listing reads them all). */
  archived: number;
  /** Web analytics events by event type (page views, form submissions), listed 100 per page. */
  webEvents?: Record<string, number>;
  written: number;
}

export interface HubspotPageSizes {
  search: number;
  associations: number;
  batchRead: number;
  archived: number;
  batchUpdate: number;
}

export const hubspotPageSizes: HubspotPageSizes = {
  search: searchPageSize,
  associations: associationBatchSize,
  batchRead: batchReadSize,
  archived: archivedPageSize,
  batchUpdate: batchUpdateSize,
};

export function hubspotMinimumCalls(
  counts: HubspotCounts,
  sizes: HubspotPageSizes = hubspotPageSizes,
): number {
  const searchPages = Math.max(1, Math.ceil(counts.contacts / sizes.search));
  // One v4 association read per 1,000 contacts for each engagement type and for deals.
  const associationReads = (engagementTypes.length + 1) * Math.ceil(counts.contacts / sizes.associations);
  let objectReads = Math.ceil(counts.deals / sizes.batchRead);
  for (const type of engagementTypes)
    objectReads += Math.ceil((counts.engagements[type] ?? 0) / sizes.batchRead);
  const pipelines = counts.deals > 0 ? 1 : 0;
  const archivedPages = Math.max(1, Math.ceil(counts.archived / sizes.archived));
  const writes = Math.ceil(counts.written / sizes.batchUpdate);
  let eventPages = 0;
  for (const events of Object.values(counts.webEvents ?? {}))
    eventPages += Math.max(1, Math.ceil(events / webEventsPageSize));
  return searchPages + associationReads + objectReads + pipelines + archivedPages + writes + eventPages;
}
