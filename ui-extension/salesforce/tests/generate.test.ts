import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { customFieldMetadata } from '../../../connector/providers/salesforce/ensure-fields.ts';
import { loadManifest, type Manifest } from '../../../shared/manifest.ts';
import {
  driftedFiles,
  GENERATE_COMMAND,
  generatedFiles,
  publicOrigin,
  SALESFORCE_DIR,
  SOURCE_DIR,
} from '../generate.ts';

const manifest = loadManifest();
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

function parsed(text: string, root: string): Record<string, unknown> {
  const document: Record<string, Record<string, unknown>> = parser.parse(text);
  const body = document[root];
  if (body === undefined) throw new Error(`no ${root} element`);
  const { '@xmlns': _namespace, ...elements } = body;
  return elements;
}

/** The installer's CustomField, as the XML parser reads text back: every leaf a string. */
function asText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asText);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, asText(child)]));
  return String(value);
}

function withLeadField(change: (field: Manifest['salesforce']['objects']['Lead'][number]) => void): Manifest {
  const copy: Manifest = structuredClone(manifest);
  const recommendation = copy.salesforce.objects.Lead.find((field) => field.key === 'recommendation');
  if (recommendation === undefined) throw new Error('the manifest has no recommendation field');
  change(recommendation);
  return copy;
}

describe('the package files generated from manifest.json', () => {
  it('are committed as the manifest gives them', () => {
    const drifted = driftedFiles(generatedFiles(manifest));
    if (drifted.length > 0) {
      throw new Error(
        `these files differ from what manifest.json gives: ${drifted.map((path) => `ui-extension/salesforce/${path}`).join(', ')}. Run ${GENERATE_COMMAND}`,
      );
    }
    expect(drifted).toEqual([]);
  });

  it('hold every manifest field on Lead and Contact, shaped as the installer creates it', () => {
    const files = generatedFiles(manifest);
    for (const object of ['Lead', 'Contact'] as const) {
      for (const field of manifest.salesforce.objects[object]) {
        const text = files.get(`${SOURCE_DIR}/objects/${object}/fields/${field.apiName}.field-meta.xml`);
        if (text === undefined) throw new Error(`no file for ${object}.${field.apiName}`);
        const { fullName: _qualified, ...installer } = customFieldMetadata(object, field);
        expect(parsed(text, 'CustomField')).toEqual({
          fullName: field.apiName,
          ...(asText(installer) as object),
        });
      }
    }
  });

  it('grant the rep read and the admin edit on every field, and take the API version and version', () => {
    const files = generatedFiles(manifest);
    const fieldCount = manifest.salesforce.objects.Lead.length + manifest.salesforce.objects.Contact.length;
    const user = parsed(
      files.get(`${SOURCE_DIR}/permissionsets/LeadScore_User.permissionset-meta.xml`) ?? '',
      'PermissionSet',
    );
    const admin = parsed(
      files.get(`${SOURCE_DIR}/permissionsets/LeadScore_Admin.permissionset-meta.xml`) ?? '',
      'PermissionSet',
    );
    const grants = (set: Record<string, unknown>) =>
      set.fieldPermissions as { field: string; readable: string; editable: string }[];
    expect(grants(user)).toHaveLength(fieldCount);
    expect(grants(user).every((grant) => grant.readable === 'true' && grant.editable === 'false')).toBe(true);
    expect(grants(admin).every((grant) => grant.readable === 'true' && grant.editable === 'true')).toBe(true);
    expect(grants(admin).map((grant) => grant.field)).toContain('Contact.LeadScore_Probability__c');
    const project = JSON.parse(files.get('sfdx-project.json') ?? '{}');
    expect(project.sourceApiVersion).toBe(manifest.salesforce.apiVersion);
    expect(project.namespace).toBe('leadscore');
    expect(project.packageDirectories[0].versionNumber).toBe(`${manifest.version}.NEXT`);
  });

  it('follow a changed manifest, and name the files a stale checkout must regenerate', () => {
    const longer = generatedFiles(
      withLeadField((field) => {
        field.length = 200;
      }),
    );
    const path = `${SOURCE_DIR}/objects/Lead/fields/LeadScore_Recommendation__c.field-meta.xml`;
    expect(longer.get(path)).toContain('<length>200</length>');
    expect(driftedFiles(longer)).toEqual([path]);

    const renamed = generatedFiles(
      withLeadField((field) => {
        field.apiName = 'LeadScore_Next_Step__c';
      }),
    );
    const drifted = driftedFiles(renamed);
    expect(drifted).toContain(`${SOURCE_DIR}/objects/Lead/fields/LeadScore_Next_Step__c.field-meta.xml`);
    expect(drifted).toContain(path);
    expect(drifted).toContain(`${SOURCE_DIR}/permissionsets/LeadScore_User.permissionset-meta.xml`);
    expect(drifted).toContain(`${SOURCE_DIR}/lwc/leadScoreFields/leadScoreFields.js`);
  });

  it('point the credentials, the trusted site and the Canvas app at the server given', () => {
    const files = generatedFiles(manifest, 'https://scores.example.org');
    const canvas = files.get(
      'canvas-app/main/default/extlClntAppCanvasSettings/LeadScore_Panel_canvasSettings.ecaCanvas-meta.xml',
    );
    expect(canvas).toContain('<canvasUrl>https://scores.example.org/panel/canvas?view=record</canvasUrl>');
    expect(files.get(`${SOURCE_DIR}/namedCredentials/LeadScore_API.namedCredential-meta.xml`)).toContain(
      '<parameterValue>https://scores.example.org</parameterValue>',
    );
    expect(files.get(`${SOURCE_DIR}/cspTrustedSites/LeadScore_API.cspTrustedSite-meta.xml`)).toContain(
      '<endpointUrl>https://scores.example.org</endpointUrl>',
    );
    expect(() => publicOrigin('http://scores.example.org')).toThrow('must use https');
    expect(() => publicOrigin('https://scores.example.org/api')).toThrow('without a path');
    expect(() => publicOrigin('scores')).toThrow('is not a URL');
  });

  it('give the component the namespaced field names of the manifest', () => {
    const module = readFileSync(
      join(SALESFORCE_DIR, SOURCE_DIR, 'lwc/leadScoreFields/leadScoreFields.js'),
      'utf8',
    );
    for (const field of manifest.salesforce.objects.Contact) {
      expect(module).toContain(`'leadscore__${field.apiName}'`);
    }
  });
});
