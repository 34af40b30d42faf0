import type { FeatureDefinition, FeatureValue } from './feature-definition.ts';
import { countOf, formatCount, formatMoney } from './feature-text.ts';
import { departments, seniorities } from './title-parser.ts';

/** Who the lead is (fit), who else at the account is engaged (account) and third-party intent. */

function numberOf(value: FeatureValue): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function textOf(value: FeatureValue): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

const seniorityWords: Readonly<Record<(typeof seniorities)[number], string>> = {
  owner: 'Founder or owner',
  c_level: 'C-level title',
  vp: 'VP-level title',
  director: 'Director-level title',
  manager: 'Manager-level title',
  individual_contributor: 'Individual-contributor title',
  student: 'Student or intern',
  unknown: 'Seniority not clear from the title',
};

const departmentWords: Readonly<Record<(typeof departments)[number], string>> = {
  executive: 'Works in the executive team',
  sales: 'Works in sales',
  marketing: 'Works in marketing',
  it: 'Works in IT',
  engineering: 'Works in engineering',
  finance: 'Works in finance',
  operations: 'Works in operations',
  hr: 'Works in HR',
  product: 'Works in product',
  customer_success: 'Works in customer success',
  legal: 'Works in legal',
  unknown: 'Department not clear from the title',
};

function wordsFor<K extends string>(words: Readonly<Record<K, string>>, fallback: string) {
  return (value: FeatureValue): string => {
    const key = textOf(value);
    return key !== null && key in words ? words[key as K] : fallback;
  };
}

export const fitFeatures: readonly FeatureDefinition[] = [
  {
    id: 'seniority',
    group: 'fit',
    kind: 'categorical',
    unit: 'category',
    categories: seniorities,
    description: 'Seniority read from the job title (owner, C-level, VP, director, manager, ...).',
    label: wordsFor(seniorityWords, seniorityWords.unknown),
  },
  {
    id: 'department',
    group: 'fit',
    kind: 'categorical',
    unit: 'category',
    categories: departments,
    description: 'Department read from the job title (sales, marketing, IT, finance, ...).',
    label: wordsFor(departmentWords, departmentWords.unknown),
  },
  {
    id: 'employees',
    group: 'fit',
    kind: 'numeric',
    unit: 'employees',
    description: 'Company headcount from the CRM record.',
    label: (value) => {
      const employees = numberOf(value);
      return employees === null
        ? 'Company size unknown'
        : `Company of ${countOf(employees, 'employee', 'employees')}`;
    },
  },
  {
    id: 'annual_revenue',
    group: 'fit',
    kind: 'numeric',
    unit: 'currency',
    description: 'Company annual revenue from the CRM record.',
    label: (value) => {
      const revenue = numberOf(value);
      return revenue === null ? 'Company revenue unknown' : `Company revenue of ${formatMoney(revenue)}`;
    },
  },
  {
    id: 'industry',
    group: 'fit',
    kind: 'categorical',
    unit: 'category',
    categories: 'tenant',
    description: 'Industry as the CRM spells it (codes are the tenant’s own values).',
    label: (value) => {
      const industry = textOf(value);
      return industry === null ? 'Industry unknown' : `Industry: ${industry}`;
    },
  },
  {
    id: 'country',
    group: 'fit',
    kind: 'categorical',
    unit: 'category',
    categories: 'tenant',
    description: 'Country as the CRM spells it.',
    label: (value) => {
      const country = textOf(value);
      return country === null ? 'Country unknown' : `Based in ${country}`;
    },
  },
  {
    id: 'lead_source',
    group: 'fit',
    kind: 'categorical',
    unit: 'category',
    categories: 'tenant',
    description: 'Lead source picklist value (Web, Referral, Event, ...).',
    label: (value) => {
      const source = textOf(value);
      return source === null ? 'Lead source unknown' : `Lead source: ${source}`;
    },
  },
  {
    id: 'consent_to_tracking',
    group: 'fit',
    kind: 'boolean',
    unit: 'yes/no',
    description: '1 when the lead consented to tracking (its web activity is then visible).',
    label: (value) => (value === 1 ? 'Consented to tracking' : 'No consent to tracking'),
  },
  {
    id: 'free_email_domain',
    group: 'fit',
    kind: 'boolean',
    unit: 'yes/no',
    description: '1 for a personal mailbox (gmail.com, outlook.com, ...), 0 for a company address.',
    label: (value) => {
      if (value === null) return 'No email address';
      return value === 1 ? 'Personal email address' : 'Company email address';
    },
  },
];

export const accountFeatures: readonly FeatureDefinition[] = [
  {
    id: 'account_contacts',
    group: 'account',
    kind: 'numeric',
    unit: 'contacts',
    description: 'Contacts of the same account created before the snapshot, the lead included.',
    label: (value) => `${countOf(numberOf(value) ?? 1, 'known contact', 'known contacts')} at the company`,
  },
  {
    id: 'account_buying_group',
    group: 'account',
    kind: 'numeric',
    unit: 'contacts',
    description:
      'Contacts of the account (the lead included) whose engagement points before the snapshot reach the buying-group threshold.',
    label: (value) => {
      const contacts = numberOf(value) ?? 0;
      return contacts === 0
        ? 'No engaged buying group at the company'
        : `Buying group of ${countOf(contacts, 'engaged contact', 'engaged contacts')}`;
    },
  },
  {
    id: 'account_engaged_colleagues_30d',
    group: 'account',
    kind: 'numeric',
    unit: 'contacts',
    description: 'Other contacts of the account with engagement in the last 30 days.',
    label: (value) => {
      const colleagues = numberOf(value) ?? 0;
      return colleagues === 0
        ? 'No colleagues engaged this month'
        : `${countOf(colleagues, 'colleague', 'colleagues')} engaged this month`;
    },
  },
  {
    id: 'account_senior_engaged_colleagues_90d',
    group: 'account',
    kind: 'numeric',
    unit: 'contacts',
    description: 'Other contacts of the account, director or above, with engagement in the last 90 days.',
    label: (value) => {
      const colleagues = numberOf(value) ?? 0;
      return colleagues === 0
        ? 'No senior colleagues engaged in the last 90 days'
        : `${countOf(colleagues, 'senior colleague', 'senior colleagues')} (director or above) engaged in the last 90 days`;
    },
  },
  {
    id: 'account_activities_30d',
    group: 'account',
    kind: 'numeric',
    unit: 'activities',
    description: 'Activities of the other contacts of the account in the last 30 days.',
    label: (value) => {
      const count = numberOf(value) ?? 0;
      return count === 0
        ? 'No activity from colleagues in the last 30 days'
        : `${countOf(count, 'activity', 'activities')} from colleagues in the last 30 days`;
    },
  },
];

function surgeLabel(days: number) {
  return (value: FeatureValue): string => {
    const surge = numberOf(value);
    if (surge === null) return `No third-party intent data for the company in the last ${days} days`;
    return `Intent surge of ${formatCount(surge)} for the company in the last ${days} days`;
  };
}

/** Surge score at or above which a topic counts as surging. */
export const SURGING_SCORE = 70;

export const intentFeatures: readonly FeatureDefinition[] = [
  {
    id: 'intent_max_surge_30d',
    group: 'intent',
    kind: 'numeric',
    unit: 'surge score',
    description: 'Highest third-party surge score (0-100) for the lead’s domain in the last 30 days.',
    label: surgeLabel(30),
  },
  {
    id: 'intent_max_surge_90d',
    group: 'intent',
    kind: 'numeric',
    unit: 'surge score',
    description: 'Highest third-party surge score (0-100) for the lead’s domain in the last 90 days.',
    label: surgeLabel(90),
  },
  {
    id: 'intent_surging_topics_90d',
    group: 'intent',
    kind: 'numeric',
    unit: 'topics',
    description: `Topics with a surge score of ${SURGING_SCORE} or more for the domain in the last 90 days.`,
    label: (value) => {
      const topics = numberOf(value) ?? 0;
      return topics === 0
        ? 'No surging intent topics in the last 90 days'
        : `Surging on ${countOf(topics, 'intent topic', 'intent topics')} in the last 90 days`;
    },
  },
];
