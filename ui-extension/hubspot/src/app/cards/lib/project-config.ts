// Written by node --import tsx ui-extension/hubspot/generate.ts from manifest.json: do not edit, run it again.

export const API_ORIGIN = 'https://leadscore.example.com';
export const CARD_TITLE = 'LeadScore';
export const SETTINGS_TITLE = 'LeadScore settings';
export const PRODUCT_NAME = 'LeadScore';
export const SCORE_PROPERTY = 'leadscore_score';
