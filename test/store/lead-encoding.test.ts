import { describe, expect, it } from 'vitest';
import type { Lead } from '../../shared/schemas/lead.ts';
import { decodeLead, encodeLead } from '../../shared/store/lead-encoding.ts';
import { makeLead } from './store-test-support.ts';

const tenantId = 'sf:00D000000000001AAA';

describe('lead encoding', () => {
  it('round-trips a lead, keeping fields it does not list', () => {
    const lead = {
      ...makeLead(tenantId, '00Q000000000001AAA'),
      ownerId: '0055g00000AbCdFAAV',
      score: { x: 1 },
    } as Lead;
    expect(decodeLead(tenantId, lead.id, encodeLead(lead))).toEqual(lead);
  });

  it('writes no field names and is under half the size of the JSON for a typical lead', () => {
    const lead = makeLead(tenantId, '00Q000000000001AAA');
    const encoded = encodeLead(lead);
    expect(encoded).not.toContain('email');
    expect(encoded.length).toBeLessThan(JSON.stringify(lead).length / 2);
    const other = makeLead(tenantId, 'L2', {
      crmId: '003AAA',
      accountKey: 'acct-9',
      consentToTracking: false,
      domain: null,
    });
    expect(decodeLead(tenantId, 'L2', encodeLead(other))).toEqual(other);
  });
});
