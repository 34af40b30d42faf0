import { describe, expect, it } from 'vitest';
import { hubspotMinimumCalls, salesforceMinimumCalls, salesforcePassMinimum } from './sync-cost.ts';

describe('the page-size minimum of a full sync plus write-back', () => {
  it('counts REST pages of 2,000 up to the Bulk threshold and a sized Bulk job above it', () => {
    expect(salesforcePassMinimum(0)).toBe(1);
    expect(salesforcePassMinimum(2_000)).toBe(1);
    expect(salesforcePassMinimum(2_001)).toBe(2);
    expect(salesforcePassMinimum(50_000)).toBe(25);
    // Sizing page, job creation, one poll, two result pages of 50,000.
    expect(salesforcePassMinimum(83_574)).toBe(5);
  });

  it('adds the converted-opportunity query and Collections calls of 200 for Salesforce', () => {
    const passes = {
      Lead: 10_000,
      Contact: 0,
      Task: 83_574,
      Event: 1_813,
      CampaignMember: 13_807,
      LeadConversion: 293,
    };
    // 5 + 1 + 5 + 1 + 7 + 1, then 1 opportunity query and 50 Collections calls.
    expect(salesforceMinimumCalls({ passes, written: 9_921 })).toBe(71);
  });

  it('counts HubSpot searches of 200, association reads per 1,000 contacts and batches of 100', () => {
    const counts = {
      contacts: 10_000,
      engagements: { emails: 48_971, meetings: 1_813, calls: 6_728, notes: 0, tasks: 0 },
      deals: 247,
      archived: 0,
      written: 9_929,
    };
    // 50 searches + 60 association reads + 490 + 19 + 68 engagement reads + 3 deal reads
    // + 1 pipelines + 1 archived page + 100 updates.
    expect(hubspotMinimumCalls(counts)).toBe(792);
    expect(hubspotMinimumCalls({ ...counts, deals: 0, archived: 250 })).toBe(792 - 3 - 1 + 2);
    // Web analytics: pages of 100 per event type, at least one each.
    expect(
      hubspotMinimumCalls({ ...counts, webEvents: { e_visited_page: 5_593, e_submitted_form: 0 } }),
    ).toBe(792 + 56 + 1);
  });
});
