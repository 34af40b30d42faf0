import type { components } from './openapi.d.ts';

/** Answers of the API as its OpenAPI document describes them (generated: see openapi.d.ts). */
export type LeadRecord = components['schemas']['LeadRecord'];
export type DataSufficiency = NonNullable<LeadRecord['dataSufficiency']>;
