/** SOQL field lists and defaults of the Salesforce provider. Field names are Salesforce's own. */

export const leadFields = [
  'Id',
  'FirstName',
  'LastName',
  'Email',
  'Company',
  'Website',
  'Title',
  'Industry',
  'NumberOfEmployees',
  'AnnualRevenue',
  'Country',
  'LeadSource',
  'Status',
  'HasOptedOutOfEmail',
  'ConvertedAccountId',
  'OwnerId',
  'CreatedDate',
  'SystemModstamp',
];

export const contactFields = [
  'Id',
  'FirstName',
  'LastName',
  'Email',
  'Title',
  'LeadSource',
  'MailingCountry',
  'HasOptedOutOfEmail',
  'AccountId',
  'Account.Name',
  'Account.Website',
  'Account.Industry',
  'Account.NumberOfEmployees',
  'Account.AnnualRevenue',
  'OwnerId',
  'CreatedDate',
  'SystemModstamp',
];

export const taskFields = [
  'Id',
  'WhoId',
  'Subject',
  'Status',
  'TaskSubtype',
  'CallDisposition',
  'ActivityDate',
  'CreatedDate',
  'SystemModstamp',
];

export const eventFields = [
  'Id',
  'WhoId',
  'Subject',
  'ActivityDateTime',
  'StartDateTime',
  'CreatedDate',
  'SystemModstamp',
];

export const campaignMemberFields = [
  'Id',
  'LeadId',
  'ContactId',
  'Status',
  'HasResponded',
  'FirstRespondedDate',
  'Campaign.Name',
  'Campaign.Type',
  'CreatedDate',
  'SystemModstamp',
];

export const conversionFields = [
  'Id',
  'IsConverted',
  'ConvertedDate',
  'ConvertedOpportunityId',
  'ConvertedOpportunity.IsClosed',
  'ConvertedOpportunity.IsWon',
  'ConvertedOpportunity.CloseDate',
  'ConvertedOpportunity.Amount',
  'ConvertedOpportunity.SystemModstamp',
  'SystemModstamp',
];

/** Fields whose CSV text (Bulk API 2.0) must become numbers or booleans again. */
export const numericFields = new Set([
  'NumberOfEmployees',
  'AnnualRevenue',
  'Amount',
  'Account.NumberOfEmployees',
  'Account.AnnualRevenue',
  'ConvertedOpportunity.Amount',
]);
export const booleanFields = new Set([
  'HasOptedOutOfEmail',
  'HasResponded',
  'IsConverted',
  'ConvertedOpportunity.IsClosed',
  'ConvertedOpportunity.IsWon',
]);

export const maxCollectionSize = 200;
export const maxQueryPageSize = 2000;

export const defaultSalesforceOptions = {
  /** A full load of an object with more rows than this goes through Bulk API 2.0. */
  bulkThreshold: 50_000,
  /** Rows per Bulk API 2.0 result page (`maxRecords`). */
  bulkMaxRecords: 50_000,
  bulkPollIntervalMs: 2_000,
  bulkPollTimeoutMs: 10 * 60_000,
  /** Re-read this much before the watermark: SystemModstamp is set before commit. */
  overlapMs: 5 * 60_000,
  /** Pause a tenant's sync once this share of its daily API limit is used. */
  maxApiUsageShare: 0.8,
  /** Retries of a record failing with a retryable error (UNABLE_TO_LOCK_ROW...), each alone. */
  writeRetries: 2,
};
export type SalesforceOptions = typeof defaultSalesforceOptions;
