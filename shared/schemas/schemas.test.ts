import { describe, expect, it } from 'vitest';
import { activitySchema } from './activity.ts';
import { intentSignalSchema } from './intent-signal.ts';
import { leadSchema } from './lead.ts';
import { outcomeSchema } from './outcome.ts';
import { factorSchema, scoreSchema } from './score.ts';
import { defaultSettings, segmentSchema, settingsSchema } from './settings.ts';
import { tenantSchema } from './tenant.ts';
import { validateRecord } from './validate.ts';

const lead = {
  id: 'lead-1',
  tenantId: 'sf:00D5g000004XyZ1EAK',
  crmId: '00Q5g00000AbCdEEAZ',
  objectType: 'Lead',
  email: 'ana.silva@acme.com',
  company: 'Acme',
  domain: 'acme.com',
  title: 'VP of Marketing',
  industry: 'Software',
  employees: 120,
  annualRevenue: 12_000_000,
  country: 'Portugal',
  leadSource: 'Web',
  status: 'Open',
  createdAt: '2026-01-02T10:00:00Z',
  updatedAt: '2026-02-02T10:00:00Z',
  consentToTracking: true,
  accountKey: 'acme.com',
};
const activity = {
  id: 'act-1',
  tenantId: 'hs:4412345',
  leadId: 'lead-1',
  type: 'pricing_page_view',
  occurredAt: '2026-01-03T10:00:00Z',
  detail: '/pricing',
};
const outcome = {
  tenantId: 'hs:4412345',
  leadId: 'lead-1',
  kind: 'won',
  occurredAt: '2026-03-01T00:00:00Z',
  amount: 24_000,
};
const factor = {
  featureId: 'pricing_page_views_30d',
  label: 'Viewed the pricing page 4 times in 30 days',
  points: 12.5,
};
const score = {
  leadId: 'lead-1',
  modelVersion: 'm-2026-11-01-1',
  score: 87,
  probability: 0.31,
  tier: 'hot',
  segment: 'smb',
  factors: [factor],
  scoredAt: '2026-11-01T00:00:00Z',
};
const intent = {
  domain: 'acme.com',
  topic: 'marketing automation',
  surgeScore: 78,
  observedAt: '2026-10-01T00:00:00Z',
};
const tenant = {
  id: 'sf:00D5g000004XyZ1EAK',
  provider: 'salesforce',
  instanceUrl: 'https://acme.my.salesforce.com',
  tokens: { accessToken: 'iv.tag.ciphertext', refreshToken: 'iv.tag.ciphertext' },
  settings: defaultSettings(),
  installedAt: '2026-11-01T00:00:00Z',
};

function problemsOf(schema: Parameters<typeof validateRecord>[0], record: unknown) {
  const result = validateRecord(schema, record);
  if (result.ok) throw new Error('expected the record to be rejected');
  return result.problems;
}

describe('canonical schemas', () => {
  it('accept well-formed records of every type', () => {
    expect(leadSchema.parse(lead).firstName).toBeNull();
    expect(leadSchema.parse(lead).ownerId).toBeNull();
    expect(leadSchema.parse({ ...lead, ownerId: '0055g00000AbCdFAAV' }).ownerId).toBe('0055g00000AbCdFAAV');
    expect(activitySchema.parse(activity).type).toBe('pricing_page_view');
    expect(outcomeSchema.parse(outcome).amount).toBe(24_000);
    expect(scoreSchema.parse(score).factors).toHaveLength(1);
    expect(intentSignalSchema.parse(intent).surgeScore).toBe(78);
    expect(tenantSchema.parse(tenant).status).toBe('active');
  });

  it.each([
    ['Lead', leadSchema, { ...lead, email: 'not-an-email' }, 'email', /email address/],
    ['Lead', leadSchema, { ...lead, employees: 'about 50' }, 'employees', /number/],
    ['Lead', leadSchema, { ...lead, employees: 12.5 }, 'employees', /whole number/],
    [
      'Lead',
      leadSchema,
      { ...lead, updatedAt: '2025-01-01T00:00:00Z' },
      'updatedAt',
      /earlier than createdAt/,
    ],
    ['Lead', leadSchema, { ...lead, createdAt: '31/02/2026' }, 'createdAt', /ISO-8601/],
    ['Lead', leadSchema, { ...lead, tenantId: 'acme' }, 'tenantId', /sf:<orgId>/],
    ['Lead', leadSchema, { ...lead, domain: 'https://Acme.com/' }, 'domain', /lower-case domain/],
    ['Activity', activitySchema, { ...activity, type: 'tweet' }, 'type', /Invalid option/],
    ['Activity', activitySchema, { ...activity, leadId: '' }, 'leadId', /too small|>=1/],
    ['Outcome', outcomeSchema, { ...outcome, amount: -5 }, 'amount', /zero or more/],
    [
      'Outcome',
      outcomeSchema,
      { ...outcome, kind: 'converted', amount: 100 },
      'amount',
      /only set on won or lost/,
    ],
    ['IntentSignal', intentSignalSchema, { ...intent, surgeScore: 140 }, 'surgeScore', /between 0 and 100/],
    ['Score', scoreSchema, { ...score, score: 101 }, 'score', /between 0 and 100/],
    ['Score', scoreSchema, { ...score, probability: 1.2 }, 'probability', /probability in \[0, 1\]/],
    ['Score', scoreSchema, { ...score, factors: Array(6).fill(factor) }, 'factors', /five largest/],
    ['Factor', factorSchema, { ...factor, points: Number.NaN }, 'points', /number/],
    ['Tenant', tenantSchema, { ...tenant, id: 'hs:123' }, 'id', /prefix must match the provider/],
    [
      'Segment',
      segmentSchema,
      { id: 'Big Co', name: 'x', hotThreshold: 80, warmThreshold: 50 },
      'id',
      /lower-case letters/,
    ],
    [
      'Segment',
      segmentSchema,
      { id: 'smb', name: 'x', hotThreshold: 40, warmThreshold: 50 },
      'warmThreshold',
      /not be above hotThreshold/,
    ],
    ['Settings', settingsSchema, { segments: [] }, 'segments', /at least one segment/],
    [
      'Settings',
      settingsSchema,
      { ...defaultSettings(), horizonDays: 3 },
      'horizonDays',
      /between 7 and 730/,
    ],
  ])('%s rejects a bad %s... naming the field %s', (_type, schema, record, field, message) => {
    const problems = problemsOf(schema, record);
    const problem = problems.find((candidate) => candidate.field === field);
    expect(problem, `problems were ${JSON.stringify(problems)}`).toBeDefined();
    expect(problem?.reason).toMatch(message);
  });

  it('names nested fields with their path', () => {
    const settings = defaultSettings();
    const broken = { ...settings, segments: [{ ...settings.segments[0], hotThreshold: 120 }] };
    expect(problemsOf(settingsSchema, broken).map((problem) => problem.field)).toContain(
      'segments.0.hotThreshold',
    );
  });

  it('gives SMB and enterprise default segments split at 200 employees', () => {
    const [smb, enterprise] = defaultSettings().segments;
    expect(smb).toMatchObject({ id: 'smb', maxEmployees: 200 });
    expect(enterprise).toMatchObject({ id: 'enterprise', minEmployees: 200 });
  });
});
