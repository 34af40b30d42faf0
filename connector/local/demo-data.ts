import { type Dataset, generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { DAY_MS } from '../../fixtures/generator/options.ts';

/** The sandbox's two tenants, as the realtime bench seeds them. */
export const DEMO_TENANTS = {
  salesforce: 'sf:00D000000000001AAA',
  hubspot: 'hs:2431623',
} as const;

/**
 * Months of history the demo's CRMs hold. With 5,000 leads a CRM the generator's 3% conversion
 * gives about 145 converted leads in all; the first training counts only the oldest snapshots (the
 * newest go to validation and test, a 90-day gap before each). Over the generator's default 22
 * months that left 1,783 labelled and 46 converting leads: below the 50 conversions a model needs,
 * so the demo would have scored by rules. Over 48 months the same 5,000 leads give about 2,700
 * labelled and 65 converting leads (enterprise about 1,380 and 54): a pooled model and an
 * enterprise model, as a real tenant with four years of CRM history would have.
 */
export const DEMO_HISTORY_MONTHS = 48;

export interface DemoDataOptions {
  leadsPerCrm: number;
  seed: number;
  /** The moment the history ends (default: now). */
  endMs?: number;
  historyMonths?: number;
}

export interface DemoData {
  salesforce: Dataset;
  hubspot: Dataset;
  /** Both datasets' first and last instants, epoch ms. */
  startMs: number;
  endMs: number;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Generator datasets for the sandbox's Salesforce org and HubSpot portal whose history ends at
 * `endMs`, so "days since last activity" and every other recency reads true on the day the demo runs.
 * The generator works in whole days (its data ends at the last millisecond of `end`): each dataset
 * ends on the day before, and every time in it then moves forward by the same amount (less than a
 * day), so the last instant of the data is `endMs` and nothing is dated after it.
 */
export function generateDemoData(options: DemoDataOptions): DemoData {
  const endMs = options.endMs ?? Date.now();
  const months = options.historyMonths ?? DEMO_HISTORY_MONTHS;
  const end = new Date(endMs - DAY_MS);
  const endDay = isoDay(end.getTime());
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, end.getUTCDate()));
  const generatorEndMs = Date.parse(`${endDay}T00:00:00.000Z`) + DAY_MS - 1;
  const shiftMs = endMs - generatorEndMs;
  const make = (tenantId: string, seed: number): Dataset =>
    shiftDataset(
      generateDataset({
        leads: options.leadsPerCrm,
        seed,
        tenantId,
        start: isoDay(start.getTime()),
        end: endDay,
      }),
      shiftMs,
    );
  return {
    salesforce: make(DEMO_TENANTS.salesforce, options.seed),
    hubspot: make(DEMO_TENANTS.hubspot, options.seed + 1),
    startMs: start.getTime() + shiftMs,
    endMs,
  };
}

function shiftIso(value: string, shiftMs: number): string {
  const ms = Date.parse(value);
  // A deliberately broken date of a dirty record stays as broken as it was.
  return Number.isNaN(ms) ? value : new Date(ms + shiftMs).toISOString();
}

/** The dataset with every record time (lead creation and update, activity, outcome, intent) moved by `shiftMs`. */
export function shiftDataset(dataset: Dataset, shiftMs: number): Dataset {
  if (shiftMs === 0) return dataset;
  return {
    ...dataset,
    leads: dataset.leads.map((lead) => ({
      ...lead,
      createdAt: shiftIso(lead.createdAt, shiftMs),
      updatedAt: shiftIso(lead.updatedAt, shiftMs),
    })),
    activities: dataset.activities.map((activity) => ({
      ...activity,
      occurredAt: shiftIso(activity.occurredAt, shiftMs),
    })),
    outcomes: dataset.outcomes.map((outcome) => ({
      ...outcome,
      occurredAt: shiftIso(outcome.occurredAt, shiftMs),
    })),
    intent: dataset.intent.map((signal) => ({ ...signal, observedAt: shiftIso(signal.observedAt, shiftMs) })),
  };
}
