/**
 * Writes the parts of the LeadScore managed package that follow from manifest.json: the project
 * file (API version, package version), the custom fields on Lead and Contact, the permission sets'
 * field permissions, the field names the record component reads, where the component may be
 * placed, and everything that names the LeadScore server (Named Credential, CSP trusted site, the
 * Canvas External Client App). The field and permission-set shapes are the installer's own
 * (ensure-fields.ts), so an OAuth-only org and a package org get the same fields.
 *
 *   node --import tsx ui-extension/salesforce/generate.ts          # write the files
 *   node --import tsx ui-extension/salesforce/generate.ts --check  # list files that differ
 *   ... generate.ts --public-url https://scores.example.org         # another LeadScore server
 *
 * A test fails while a committed file differs from what the manifest gives.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  customFieldMetadata,
  permissionSetMetadata,
  permissionSetNames,
} from '../../connector/providers/salesforce/ensure-fields.ts';
import {
  managedPackageNamespace,
  salesforceFieldNames,
} from '../../connector/providers/salesforce/salesforce-namespace.ts';
import { loadManifest, type Manifest, writtenFieldKeys } from '../../shared/manifest.ts';
import { metadataXml, type XmlObject, type XmlValue } from './metadata-xml.ts';

export const SALESFORCE_DIR = fileURLToPath(new URL('.', import.meta.url));
export const SOURCE_DIR = 'force-app/main/default';
export const GENERATE_COMMAND = 'node --import tsx ui-extension/salesforce/generate.ts';

/** Names the package's Apex, credentials and settings go by (kept in one place for the generator). */
export const packageNames = {
  userClasses: ['LeadScoreApi'],
  adminClasses: ['LeadScoreApi', 'LeadScoreSetupResource'],
  adminPermission: 'LeadScore_Manage_Settings',
  namedCredential: 'LeadScore_API',
  externalCredential: 'LeadScore',
  principal: 'LeadScore_Org',
  settings: 'LeadScore_Settings__c',
  component: 'leadScorePanel',
  fieldsModule: 'leadScoreFields',
  cspTrustedSite: 'LeadScore_API',
  clientApp: 'LeadScore_Panel',
} as const;

/** The LeadScore server the packaged credentials and the Canvas app point at (`--public-url`). */
export const DEFAULT_PUBLIC_URL = 'https://leadscore.example.com';
/** Where the Canvas alternative lives: External Client App Canvas settings need API 66.0. */
export const CANVAS_DIR = 'canvas-app/main/default';
export const CANVAS_API_VERSION = '66.0';

const GENERATED_NOTE = 'Generated from manifest.json by ui-extension/salesforce/generate.ts: do not edit.';
const BIOME = fileURLToPath(new URL('../../node_modules/.bin/biome', import.meta.url));

/** The installer's metadata objects are plain JSON-like records; anything else is a bug to report. */
function toXmlValue(value: unknown, path: string): XmlValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, index) => toXmlValue(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) return toXmlObject(value, path);
  throw new TypeError(
    `${path} is ${String(value)}: metadata values must be text, numbers, booleans or lists`,
  );
}

function toXmlObject(value: object, path: string): XmlObject {
  const result: XmlObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) result[key] = toXmlValue(child, `${path}.${key}`);
  }
  return result;
}

/** Source format: the file's folder gives the object, so `fullName` is the field's own name. */
function fieldFile(object: 'Lead' | 'Contact', field: Manifest['salesforce']['objects']['Lead'][number]) {
  const metadata = toXmlObject(customFieldMetadata(object, field), `${object}.${field.apiName}`);
  metadata.fullName = field.apiName;
  return metadataXml('CustomField', metadata);
}

function permissionSetFiles(manifest: Manifest): Map<string, string> {
  const fullNames = (['Lead', 'Contact'] as const).flatMap((object) =>
    manifest.salesforce.objects[object].map((field) => `${object}.${field.apiName}`),
  );
  const principal = `${packageNames.externalCredential}-${packageNames.principal}`;
  const classes = (names: readonly string[]) => names.map((apexClass) => ({ apexClass, enabled: true }));
  const common: XmlObject = {
    externalCredentialPrincipalAccesses: { enabled: true, externalCredentialPrincipal: principal },
    hasActivationRequired: false,
  };
  const extra: Record<string, XmlObject> = {
    [permissionSetNames.user]: { ...common, classAccesses: classes(packageNames.userClasses) },
    [permissionSetNames.admin]: {
      ...common,
      classAccesses: classes(packageNames.adminClasses),
      customPermissions: { enabled: true, name: packageNames.adminPermission },
      customSettingAccesses: { enabled: true, name: packageNames.settings },
    },
  };
  const files = new Map<string, string>();
  for (const set of permissionSetMetadata(fullNames)) {
    const name = String(set.fullName);
    const body = toXmlObject(set, name);
    body.fullName = undefined;
    Object.assign(body, extra[name]);
    files.set(
      `${SOURCE_DIR}/permissionsets/${name}.permissionset-meta.xml`,
      metadataXml('PermissionSet', body),
    );
  }
  return files;
}

function formatted(path: string, text: string): string {
  return execFileSync(BIOME, ['format', `--stdin-file-path=${join(SALESFORCE_DIR, path)}`], {
    input: text,
    encoding: 'utf8',
  });
}

/** The field names the component asks Lightning Data Service for, namespaced as the org has them. */
function fieldsModule(manifest: Manifest): Map<string, string> {
  const names = salesforceFieldNames(manifest, managedPackageNamespace);
  const objects = manifest.salesforce.panel.objects;
  const byObject = Object.fromEntries(
    objects.map((object) => [
      object,
      Object.fromEntries(names[object].map((field) => [field.key, field.apiName])),
    ]),
  );
  const folder = `${SOURCE_DIR}/lwc/${packageNames.fieldsModule}`;
  const js = [
    `// ${GENERATED_NOTE}`,
    '',
    "/** The managed package's namespace: every LeadScore field in the org carries it. */",
    `export const NAMESPACE = ${JSON.stringify(managedPackageNamespace)};`,
    '',
    '/** The objects whose record pages show the LeadScore panel. */',
    `export const PANEL_OBJECTS = Object.freeze(${JSON.stringify(objects)});`,
    '',
    '/** Field API names per object, keyed the way LeadScore refers to them. */',
    `export const FIELDS = Object.freeze(${JSON.stringify(byObject)});`,
    '',
  ].join('\n');
  const dts = [
    `// ${GENERATED_NOTE}`,
    '',
    `export type PanelObject = ${objects.map((object) => JSON.stringify(object)).join(' | ')};`,
    `export type FieldKey = ${writtenFieldKeys.map((key) => JSON.stringify(key)).join(' | ')};`,
    `export declare const NAMESPACE: ${JSON.stringify(managedPackageNamespace)};`,
    'export declare const PANEL_OBJECTS: readonly PanelObject[];',
    'export declare const FIELDS: Readonly<Record<PanelObject, Readonly<Record<FieldKey, string>>>>;',
    '',
  ].join('\n');
  const meta = metadataXml(
    'LightningComponentBundle',
    {
      apiVersion: manifest.salesforce.apiVersion,
      isExposed: false,
      description: 'LeadScore field API names, generated from the product manifest.',
    },
    { keepOrder: true },
  );
  return new Map([
    [`${folder}/${packageNames.fieldsModule}.js`, formatted(`${folder}/${packageNames.fieldsModule}.js`, js)],
    [
      `${folder}/${packageNames.fieldsModule}.d.ts`,
      formatted(`${folder}/${packageNames.fieldsModule}.d.ts`, dts),
    ],
    [`${folder}/${packageNames.fieldsModule}.js-meta.xml`, meta],
  ]);
}

/** Where the record component may be placed: the manifest's panel target and objects. */
function componentMeta(manifest: Manifest): Map<string, string> {
  const { panel, apiVersion } = manifest.salesforce;
  const meta = metadataXml(
    'LightningComponentBundle',
    {
      apiVersion,
      isExposed: true,
      masterLabel: panel.label,
      description:
        'The LeadScore score of this lead or contact: tier, the factors behind it, history and next step.',
      targets: { target: panel.target },
      targetConfigs: {
        targetConfig: { '@targets': panel.target, objects: { object: panel.objects } },
      },
    },
    { keepOrder: true },
  );
  const folder = `${SOURCE_DIR}/lwc/${packageNames.component}`;
  return new Map([[`${folder}/${packageNames.component}.js-meta.xml`, meta]]);
}

/** The server's origin, refusing anything Salesforce would not call (HTTPS, no path). */
export function publicOrigin(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(
      `--public-url ${publicUrl} is not a URL: give the server's origin, such as ${DEFAULT_PUBLIC_URL}`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new Error(`--public-url ${publicUrl} must use https: Salesforce calls out and frames HTTPS only`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new Error(
      `--public-url ${publicUrl} must be an origin without a path, such as ${DEFAULT_PUBLIC_URL}`,
    );
  }
  return url.origin;
}

/** The Named Credential, its External Credential and the CSP trusted site: all point at the server. */
function credentialFiles(origin: string): Map<string, string> {
  const namedCredential = metadataXml('NamedCredential', {
    allowMergeFieldsInBody: false,
    allowMergeFieldsInHeader: false,
    calloutStatus: 'Enabled',
    description:
      'The LeadScore server. The package signs its calls with the org secret LeadScore set at install.',
    generateAuthorizationHeader: false,
    label: 'LeadScore API',
    namedCredentialParameters: [
      { parameterName: 'Url', parameterType: 'Url', parameterValue: origin },
      {
        externalCredential: packageNames.externalCredential,
        parameterName: 'ExternalCredential',
        parameterType: 'Authentication',
      },
    ],
    namedCredentialType: 'SecuredEndpoint',
  });
  const externalCredential = metadataXml('ExternalCredential', {
    authenticationProtocol: 'Custom',
    description:
      'Who may call LeadScore: users whose permission set enables the LeadScore_Org principal (LeadScore User, LeadScore Admin).',
    externalCredentialParameters: {
      parameterGroup: packageNames.principal,
      parameterName: packageNames.principal,
      parameterType: 'NamedPrincipal',
      sequenceNumber: 1,
    },
    label: 'LeadScore',
  });
  const trustedSite = metadataXml('CspTrustedSite', {
    context: 'All',
    description: 'The LeadScore server: API calls (connect-src) and the Canvas panel page (frame-src).',
    endpointUrl: origin,
    isActive: true,
    isApplicableToConnectSrc: true,
    isApplicableToFontSrc: false,
    isApplicableToFrameSrc: true,
    isApplicableToImgSrc: false,
    isApplicableToMediaSrc: false,
    isApplicableToStyleSrc: false,
  });
  return new Map([
    [
      `${SOURCE_DIR}/namedCredentials/${packageNames.namedCredential}.namedCredential-meta.xml`,
      namedCredential,
    ],
    [
      `${SOURCE_DIR}/externalCredentials/${packageNames.externalCredential}.externalCredential-meta.xml`,
      externalCredential,
    ],
    [`${SOURCE_DIR}/cspTrustedSites/${packageNames.cspTrustedSite}.cspTrustedSite-meta.xml`, trustedSite],
  ]);
}

/**
 * The Canvas alternative: an External Client App (header, OAuth settings, Canvas settings) whose
 * Canvas URL is the server's Canvas panel page, opened with a signed request (access method Post).
 * Its global OAuth settings (callback URL, consumer key and secret) are never in source.
 */
function canvasFiles(manifest: Manifest, origin: string): Map<string, string> {
  const app = packageNames.clientApp;
  const header = metadataXml('ExternalClientApplication', {
    contactEmail: `support@${new URL(origin).hostname}`,
    description: `${manifest.salesforce.panel.label} on Lead and Contact pages as a Canvas app (signed request).`,
    distributionState: 'Packaged',
    isProtected: false,
    label: 'LeadScore Panel',
  });
  const oauth = metadataXml('ExtlClntAppOauthSettings', {
    commaSeparatedOauthScopes: 'Basic',
    externalClientApplication: app,
    label: `${app}_oauth`,
  });
  const canvas = metadataXml('ExtlClntAppCanvasSettings', {
    accessMethod: 'Post',
    canvasLocationOptions: ['PageLayout', 'Visualforce'],
    canvasUrl: `${origin}/panel/canvas?view=record`,
    externalClientApplication: app,
    label: 'LeadScore Panel',
    samlInitiationMethod: 'None',
  });
  return new Map([
    [`${CANVAS_DIR}/externalClientApps/${app}.eca-meta.xml`, header],
    [`${CANVAS_DIR}/extlClntAppOauthSettings/${app}_oauth.ecaOauth-meta.xml`, oauth],
    [`${CANVAS_DIR}/extlClntAppCanvasSettings/${app}_canvasSettings.ecaCanvas-meta.xml`, canvas],
  ]);
}

function projectFile(manifest: Manifest): string {
  const project = {
    packageDirectories: [
      {
        path: 'force-app',
        default: true,
        package: manifest.name,
        versionName: `${manifest.name} ${manifest.version}`,
        versionNumber: `${manifest.version}.NEXT`,
        versionDescription: manifest.description,
      },
      { path: 'canvas-app', default: false },
    ],
    name: 'leadscore',
    namespace: managedPackageNamespace,
    sfdcLoginUrl: 'https://login.salesforce.com',
    sourceApiVersion: manifest.salesforce.apiVersion,
  };
  return formatted('sfdx-project.json', `${JSON.stringify(project, null, 2)}\n`);
}

/** Every generated file, by path relative to ui-extension/salesforce/. */
export function generatedFiles(
  manifest: Manifest = loadManifest(),
  publicUrl: string = DEFAULT_PUBLIC_URL,
): Map<string, string> {
  const origin = publicOrigin(publicUrl);
  const files = new Map<string, string>();
  files.set('sfdx-project.json', projectFile(manifest));
  for (const object of ['Lead', 'Contact'] as const) {
    for (const field of manifest.salesforce.objects[object]) {
      files.set(
        `${SOURCE_DIR}/objects/${object}/fields/${field.apiName}.field-meta.xml`,
        fieldFile(object, field),
      );
    }
  }
  for (const [path, text] of permissionSetFiles(manifest)) files.set(path, text);
  for (const [path, text] of fieldsModule(manifest)) files.set(path, text);
  for (const [path, text] of componentMeta(manifest)) files.set(path, text);
  for (const [path, text] of credentialFiles(origin)) files.set(path, text);
  for (const [path, text] of canvasFiles(manifest, origin)) files.set(path, text);
  return files;
}

/** Field files on disk that the manifest no longer lists (a renamed or removed field). */
export function staleFieldFiles(files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const object of ['Lead', 'Contact']) {
    const folder = `${SOURCE_DIR}/objects/${object}/fields`;
    let names: string[];
    try {
      names = readdirSync(join(SALESFORCE_DIR, folder));
    } catch {
      names = [];
    }
    for (const name of names) if (!files.has(`${folder}/${name}`)) stale.push(`${folder}/${name}`);
  }
  return stale;
}

/** Paths whose committed text differs from the manifest's (missing files included). */
export function driftedFiles(files: Map<string, string> = generatedFiles()): string[] {
  const drifted: string[] = [];
  for (const [path, text] of files) {
    let committed: string | undefined;
    try {
      committed = readFileSync(join(SALESFORCE_DIR, path), 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed !== text) drifted.push(path);
  }
  return [...drifted, ...staleFieldFiles(files)];
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--public-url');
  const publicUrl = at === -1 ? DEFAULT_PUBLIC_URL : process.argv[at + 1];
  if (publicUrl === undefined)
    throw new Error(`--public-url needs a value, such as --public-url ${DEFAULT_PUBLIC_URL}`);
  const files = generatedFiles(loadManifest(), publicUrl);
  if (process.argv.includes('--check')) {
    const drifted = driftedFiles(files);
    for (const path of drifted) say(`differs from manifest.json: ui-extension/salesforce/${path}`);
    if (drifted.length > 0) {
      say(`run ${GENERATE_COMMAND}`);
      process.exitCode = 1;
    }
  } else {
    for (const [path, text] of files) {
      const target = join(SALESFORCE_DIR, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const stale = staleFieldFiles(files);
    for (const path of stale)
      say(`not in manifest.json any more, delete it: ui-extension/salesforce/${path}`);
    say(`wrote ${files.size} files under ui-extension/salesforce/`);
  }
}
