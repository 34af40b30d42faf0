// Generated from manifest.json by ui-extension/salesforce/generate.ts: do not edit.

export type PanelObject = 'Lead' | 'Contact';
export type FieldKey =
  | 'score'
  | 'tier'
  | 'factor1'
  | 'factor2'
  | 'factor3'
  | 'factor4'
  | 'factor5'
  | 'modelVersion'
  | 'scoredAt'
  | 'nurture'
  | 'probability'
  | 'recommendation';
export declare const NAMESPACE: 'leadscore';
export declare const PANEL_OBJECTS: readonly PanelObject[];
export declare const FIELDS: Readonly<Record<PanelObject, Readonly<Record<FieldKey, string>>>>;
