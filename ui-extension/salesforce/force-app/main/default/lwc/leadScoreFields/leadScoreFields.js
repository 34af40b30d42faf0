// Generated from manifest.json by ui-extension/salesforce/generate.ts: do not edit.

/** The managed package's namespace: every LeadScore field in the org carries it. */
export const NAMESPACE = 'leadscore';

/** The objects whose record pages show the LeadScore panel. */
export const PANEL_OBJECTS = Object.freeze(['Lead', 'Contact']);

/** Field API names per object, keyed the way LeadScore refers to them. */
export const FIELDS = Object.freeze({
  Lead: {
    score: 'leadscore__LeadScore_Score__c',
    tier: 'leadscore__LeadScore_Tier__c',
    factor1: 'leadscore__LeadScore_Factor_1__c',
    factor2: 'leadscore__LeadScore_Factor_2__c',
    factor3: 'leadscore__LeadScore_Factor_3__c',
    factor4: 'leadscore__LeadScore_Factor_4__c',
    factor5: 'leadscore__LeadScore_Factor_5__c',
    modelVersion: 'leadscore__LeadScore_Model_Version__c',
    scoredAt: 'leadscore__LeadScore_Scored_At__c',
    nurture: 'leadscore__LeadScore_Nurture__c',
    probability: 'leadscore__LeadScore_Probability__c',
    recommendation: 'leadscore__LeadScore_Recommendation__c',
  },
  Contact: {
    score: 'leadscore__LeadScore_Score__c',
    tier: 'leadscore__LeadScore_Tier__c',
    factor1: 'leadscore__LeadScore_Factor_1__c',
    factor2: 'leadscore__LeadScore_Factor_2__c',
    factor3: 'leadscore__LeadScore_Factor_3__c',
    factor4: 'leadscore__LeadScore_Factor_4__c',
    factor5: 'leadscore__LeadScore_Factor_5__c',
    modelVersion: 'leadscore__LeadScore_Model_Version__c',
    scoredAt: 'leadscore__LeadScore_Scored_At__c',
    nurture: 'leadscore__LeadScore_Nurture__c',
    probability: 'leadscore__LeadScore_Probability__c',
    recommendation: 'leadscore__LeadScore_Recommendation__c',
  },
});
