import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PANEL_API_TYPES_PATH, panelApiDocument, panelApiTypes } from './generate-panel-api-types.ts';

describe('the web panel API types', () => {
  it('are built from the document the server answers, with the record route the panel reads', () => {
    const document = panelApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths ?? {})).toEqual(expect.arrayContaining(['/records', '/settings']));
  });

  it('match the committed openapi.d.ts (else: run npm run generate:api-types)', async () => {
    const generated = await panelApiTypes();
    expect(generated).toContain("'/records': {");
    expect(generated).toContain('LeadRecord: {');
    const committed = readFileSync(PANEL_API_TYPES_PATH, 'utf8');
    if (committed !== generated) {
      throw new Error(
        `${PANEL_API_TYPES_PATH} is out of date with the server's OpenAPI document: run npm run generate:api-types`,
      );
    }
  });
});
