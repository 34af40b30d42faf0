import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import { CANVAS_API_VERSION, CANVAS_DIR, packageNames, SALESFORCE_DIR, SOURCE_DIR } from '../generate.ts';
import {
  checkMetadataFile,
  type Element,
  list,
  type MetadataFile,
  readMetadataFiles,
} from '../metadata-shapes.ts';

const manifest = loadManifest();
const { files, problems } = readMetadataFiles(SALESFORCE_DIR, ['force-app', 'canvas-app']);

function ofType(type: string): MetadataFile[] {
  return files.filter((file) => file.type === type);
}

function one(type: string, name: string): MetadataFile {
  const file = files.find((candidate) => candidate.type === type && candidate.name === name);
  if (file === undefined) throw new Error(`no ${type} ${name} in the package`);
  return file;
}

const field = (type: string, extra: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><label>X</label><type>${type}</type>${extra}</CustomField>`;

describe('every metadata file of the package', () => {
  it("has its type's root element, namespace, folder, name and required elements", () => {
    expect(problems).toEqual([]);
    expect(files.length).toBeGreaterThan(40);
    const types = new Set(files.map((file) => file.type));
    for (const type of [
      'CustomField',
      'PermissionSet',
      'LightningComponentBundle',
      'ApexClass',
      'ApexTrigger',
      'NamedCredential',
      'ExternalCredential',
      'CspTrustedSite',
      'ExternalClientApplication',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppCanvasSettings',
      'CustomPermission',
    ])
      expect(types).toContain(type);
  });

  it('uses the manifest API version for code and components; the Canvas app needs its own', () => {
    for (const file of [
      ...ofType('ApexClass'),
      ...ofType('ApexTrigger'),
      ...ofType('LightningComponentBundle'),
    ])
      expect([file.path, file.body.apiVersion]).toEqual([file.path, manifest.salesforce.apiVersion]);
    expect(ofType('ExtlClntAppCanvasSettings').every((file) => file.path.startsWith(CANVAS_DIR))).toBe(true);
    expect(Number(CANVAS_API_VERSION)).toBeGreaterThanOrEqual(66);
  });

  it('refers only to things the package has', () => {
    const classes = new Set(ofType('ApexClass').map((file) => file.name));
    const fields = new Set(
      ofType('CustomField').map((file) => `${file.path.split('/').at(-3)}.${file.name}`),
    );
    const permissions = new Set(ofType('CustomPermission').map((file) => file.name));
    const credential = one('ExternalCredential', packageNames.externalCredential);
    const principals = new Set(
      (list(credential.body.externalCredentialParameters) as Element[])
        .filter((parameter) => parameter.parameterType === 'NamedPrincipal')
        .map((parameter) => `${credential.name}-${String(parameter.parameterName)}`),
    );
    for (const set of ofType('PermissionSet')) {
      for (const grant of list(set.body.fieldPermissions) as Element[])
        expect([set.name, fields.has(String(grant.field))]).toEqual([set.name, true]);
      for (const access of list(set.body.classAccesses) as Element[])
        expect([set.name, String(access.apexClass), classes.has(String(access.apexClass))]).toEqual([
          set.name,
          String(access.apexClass),
          true,
        ]);
      for (const access of list(set.body.externalCredentialPrincipalAccesses) as Element[])
        expect(principals.has(String(access.externalCredentialPrincipal))).toBe(true);
      for (const access of list(set.body.customPermissions) as Element[])
        expect(permissions.has(String(access.name))).toBe(true);
    }
    const named = one('NamedCredential', packageNames.namedCredential);
    const auth = (list(named.body.namedCredentialParameters) as Element[]).find(
      (parameter) => parameter.parameterType === 'Authentication',
    );
    expect(auth?.externalCredential).toBe(credential.name);
    const apps = new Set(ofType('ExternalClientApplication').map((file) => file.name));
    for (const settings of [...ofType('ExtlClntAppOauthSettings'), ...ofType('ExtlClntAppCanvasSettings')])
      expect(apps.has(String(settings.body.externalClientApplication))).toBe(true);
    expect(
      one('ExtlClntAppCanvasSettings', `${packageNames.clientApp}_canvasSettings`).body.canvasUrl,
    ).toMatch(/\/panel\/canvas\?view=record$/);
  });

  it('gives both permission sets the callout and the Apex the component calls', () => {
    for (const name of ['LeadScore_User', 'LeadScore_Admin']) {
      const set = one('PermissionSet', name);
      expect((list(set.body.classAccesses) as Element[]).map((access) => access.apexClass)).toContain(
        'LeadScoreApi',
      );
      expect(list(set.body.externalCredentialPrincipalAccesses)).toHaveLength(1);
    }
    const admin = one('PermissionSet', 'LeadScore_Admin');
    expect((list(admin.body.customSettingAccesses) as Element[])[0]?.name).toBe(packageNames.settings);
  });

  it("places the component on the manifest's record pages, with its code beside it", () => {
    const bundle = one('LightningComponentBundle', packageNames.component);
    expect(bundle.body.isExposed).toBe('true');
    const config = (bundle.body.targetConfigs as Element).targetConfig as Element;
    expect(config['@targets']).toBe(manifest.salesforce.panel.target);
    expect(list((config.objects as Element).object)).toEqual(manifest.salesforce.panel.objects);
    const folder = join(SALESFORCE_DIR, SOURCE_DIR, 'lwc', packageNames.component);
    const js = readFileSync(join(folder, `${packageNames.component}.js`), 'utf8');
    expect(existsSync(join(folder, `${packageNames.component}.html`))).toBe(true);
    const apex = [...js.matchAll(/@salesforce\/apex\/(\w+)\.(\w+)/g)];
    expect(apex.length).toBeGreaterThan(0);
    for (const [, className, method] of apex) {
      const source = readFileSync(join(SALESFORCE_DIR, SOURCE_DIR, 'classes', `${className}.cls`), 'utf8');
      expect(source).toMatch(
        new RegExp(`@AuraEnabled\\(cacheable=true\\)\\s+public static String ${method}\\(`),
      );
    }
    const modules = [...js.matchAll(/from 'c\/(\w+)'/g)].map((match) => match[1]);
    const bundles = readdirSync(join(SALESFORCE_DIR, SOURCE_DIR, 'lwc'));
    for (const module of modules) expect(bundles).toContain(module);
  });
});

describe('the shape check', () => {
  it('names what is wrong with a file', () => {
    const path = `${SOURCE_DIR}/objects/Lead/fields/Score__c.field-meta.xml`;
    expect(checkMetadataFile(path, field('Number', '<precision>3</precision>')).problems).toEqual([
      `${path}: CustomField Score__c has no <scale>`,
    ]);
    expect(checkMetadataFile(path, field('Text', '<length>300</length>')).problems).toEqual([
      `${path}: CustomField Score__c has <length> 300, not 1-255`,
    ]);
    expect(checkMetadataFile(path, field('Picklist', '')).problems).toEqual([
      `${path}: CustomField Score__c is a Picklist without <valueSet><valueSetDefinition><value>`,
    ]);
    expect(
      checkMetadataFile(
        path,
        field('Number', '<fullName>Other__c</fullName><precision>3</precision><scale>0</scale>'),
      ).problems,
    ).toEqual([`${path}: CustomField Score__c has <fullName>Other__c</fullName>`]);
    expect(
      checkMetadataFile(
        `${SOURCE_DIR}/classes/Misplaced__c.field-meta.xml`,
        field('Checkbox', '<defaultValue>false</defaultValue>'),
      ).problems,
    ).toEqual([
      `${SOURCE_DIR}/classes/Misplaced__c.field-meta.xml: a CustomField belongs in objects/<Object>/fields/`,
    ]);
    expect(
      checkMetadataFile(
        `${SOURCE_DIR}/classes/A.cls-meta.xml`,
        '<ApexClass xmlns="urn:other"><apiVersion>62</apiVersion><status>Active</status></ApexClass>',
      ).problems,
    ).toEqual([
      `${SOURCE_DIR}/classes/A.cls-meta.xml: <ApexClass> is not in the namespace http://soap.sforce.com/2006/04/metadata`,
      `${SOURCE_DIR}/classes/A.cls-meta.xml: ApexClass A has <apiVersion>62</apiVersion>, not a version such as 62.0`,
    ]);
    expect(
      checkMetadataFile(`${SOURCE_DIR}/classes/A.cls-meta.xml`, '<ApexTrigger xmlns="x"></ApexTrigger>')
        .problems,
    ).toEqual([`${SOURCE_DIR}/classes/A.cls-meta.xml: its root element is ApexTrigger, not ApexClass`]);
    expect(checkMetadataFile('x/Thing.widget-meta.xml', '<Widget/>').problems).toEqual([
      'x/Thing.widget-meta.xml: no known metadata type ends like this file',
    ]);
  });

  it('refuses a trusted site that allows nothing and a named credential without https', () => {
    const site = checkMetadataFile(
      `${SOURCE_DIR}/cspTrustedSites/S.cspTrustedSite-meta.xml`,
      `<CspTrustedSite xmlns="http://soap.sforce.com/2006/04/metadata"><endpointUrl>https://a.example</endpointUrl><isActive>true</isActive><isApplicableToConnectSrc>false</isApplicableToConnectSrc></CspTrustedSite>`,
    );
    expect(site.problems).toEqual([
      `${SOURCE_DIR}/cspTrustedSites/S.cspTrustedSite-meta.xml: CspTrustedSite S allows no directive (every isApplicableTo... is false)`,
    ]);
    const credential = checkMetadataFile(
      `${SOURCE_DIR}/namedCredentials/N.namedCredential-meta.xml`,
      `<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata"><label>N</label><namedCredentialType>SecuredEndpoint</namedCredentialType><namedCredentialParameters><parameterName>Url</parameterName><parameterType>Url</parameterType><parameterValue>http://a.example/api</parameterValue></namedCredentialParameters></NamedCredential>`,
    );
    expect(credential.problems).toEqual([
      `${SOURCE_DIR}/namedCredentials/N.namedCredential-meta.xml: NamedCredential N has Url http://a.example/api, not an https origin`,
      `${SOURCE_DIR}/namedCredentials/N.namedCredential-meta.xml: NamedCredential N is a SecuredEndpoint without an Authentication parameter naming its external credential`,
    ]);
  });
});

describe('the record component template', () => {
  const folder = join(SALESFORCE_DIR, SOURCE_DIR, 'lwc', packageNames.component);
  const html = readFileSync(join(folder, `${packageNames.component}.html`), 'utf8');
  const js = readFileSync(join(folder, `${packageNames.component}.js`), 'utf8');

  it('binds only properties the component defines', () => {
    const aliases = new Set([...html.matchAll(/for:item="(\w+)"/g)].map((match) => match[1]));
    const roots = new Set([...html.matchAll(/\{(\w+)(?:\.\w+)*\}/g)].map((match) => match[1]));
    const defined = (name: string) =>
      new RegExp(
        `(get ${name}\\(\\)|^\\s+(@api )?${name};|^\\s+@wire\\([^)]*\\)\\s*\\n\\s*${name}\\()`,
        'm',
      ).test(js);
    const missing = [...roots].filter((name) => !aliases.has(name) && !defined(name));
    expect(missing).toEqual([]);
    expect(roots.size).toBeGreaterThan(20);
  });

  it('names what the rep reads the way the LeadScore panels do', () => {
    expect(html).toContain('role="meter"');
    expect(html).toContain('aria-label="Lead score"');
    expect(html).toContain('aria-valuetext={meterText}');
    expect(html).toContain('aria-label="Why this score"');
    expect(html).toMatch(/<th scope="col">Factor<\/th>[\s\S]*Points<\/th>/);
    expect(html).toMatch(/>Recommendation</);
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label={spark.label}');
    expect(html).toContain('lightning-spinner alternative-text="Loading the LeadScore score"');
    expect(html).toContain('LeadScore User permission set');
  });
});
