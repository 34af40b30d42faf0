import { describe, expect, it } from 'vitest';
import { leadSchema } from '../../shared/schemas/lead.ts';
import { IdentityLinker, linkIdentities, normalizeEmail } from './link-identities.ts';
import { screenRecords } from './record-hygiene.ts';

const tenantId = 'sf:00D5g000004XyZ1EAK';
const lead = {
  id: '00Q5g0000000001EAA',
  tenantId,
  crmId: '00Q5g0000000001EAA',
  objectType: 'Lead',
  email: 'ana.silva@acme.com',
  company: 'Acme',
  domain: 'acme.com',
  title: null,
  industry: null,
  employees: 12,
  annualRevenue: null,
  country: null,
  leadSource: null,
  status: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  consentToTracking: true,
  accountKey: 'acme.com',
};

describe('record hygiene', () => {
  it('keeps good records and reports each bad one with its id, field and reason', () => {
    const batch = screenRecords(leadSchema, 'Lead', [
      { crmId: 'a', record: lead },
      { crmId: 'b', record: { ...lead, employees: 'about 50' } },
      { crmId: 'c', record: { ...lead, id: 'c', email: 'ana at acme' } },
    ]);
    expect(batch.records).toHaveLength(1);
    expect(batch.rejected.map((rejected) => [rejected.crmId, rejected.problems[0]!.field])).toEqual([
      ['b', 'employees'],
      ['c', 'email'],
    ]);
    expect(batch.rejected[1]!.problems[0]!.reason).toMatch(/email address/);
  });
});

describe('identity linking', () => {
  it('normalises emails by case and surrounding spaces', () => {
    expect(normalizeEmail('  Ana.Silva@ACME.com ')).toBe('ana.silva@acme.com');
    expect(normalizeEmail('no-at-sign')).toBeNull();
  });

  it('links two casings of an email and a Lead with its Contact as one person', () => {
    const { groups, personKeyByLeadId } = linkIdentities([
      { id: '00Q1', tenantId, email: 'ana.silva@acme.com' },
      { id: '00Q2', tenantId, email: 'ANA.SILVA@acme.com' },
      { id: '0031', tenantId, email: 'Ana.Silva@Acme.com' },
      { id: '00Q3', tenantId, email: 'bo@acme.com' },
      { id: '00Q4', tenantId, email: null },
    ]);
    expect(groups).toHaveLength(3);
    expect(groups.find((group) => group.leadIds.length === 3)?.leadIds).toEqual(['0031', '00Q1', '00Q2']);
    expect(personKeyByLeadId.get('00Q4')).toBe(`${tenantId}:lead:00Q4`);
  });

  it('counts a person once across pages and moves a lead whose email changed', () => {
    const linker = new IdentityLinker();
    linker.add([{ id: '00Q1', tenantId, email: 'ana@acme.com' }]);
    linker.add([{ id: '0031', tenantId, email: 'ANA@acme.com' }]);
    linker.add([{ id: '0031', tenantId, email: 'ANA@acme.com' }]);
    expect(linker.peopleCount).toBe(1);
    linker.add([{ id: '0031', tenantId, email: 'ana@other.com' }]);
    expect(linker.peopleCount).toBe(2);
    linker.remove(['00Q1']);
    expect(linker.peopleCount).toBe(1);
  });
});
