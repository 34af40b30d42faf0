/**
 * Checks the package's `*-meta.xml` files against what the Metadata API requires of each type, as
 * far as it can be known without an org: the root element and namespace, the file's folder and
 * suffix, the file name as the component's API name, and the elements each type must have.
 * Returns problems as sentences naming the file, so a failing test says what to fix.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { METADATA_NAMESPACE } from './metadata-xml.ts';

export type Element = Record<string, unknown>;

interface TypeRule {
  root: string;
  /** The folder the file must sit in; for fields and bundles, the folder two or one levels up. */
  folder: (path: string) => boolean;
  folderText: string;
  check: (body: Element, name: string) => string[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function text(body: Element, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

function required(body: Element, keys: string[]): string[] {
  return keys.filter((key) => body[key] === undefined || body[key] === '').map((key) => `has no <${key}>`);
}

function oneOf(body: Element, key: string, allowed: string[]): string[] {
  const value = text(body, key);
  return value === undefined || allowed.includes(value)
    ? []
    : [`has <${key}>${value}</${key}>, not one of ${allowed.join(', ')}`];
}

function booleanText(body: Element, keys: string[]): string[] {
  return keys
    .filter((key) => body[key] !== undefined && body[key] !== 'true' && body[key] !== 'false')
    .map((key) => `has <${key}> that is not true or false`);
}

function integerText(body: Element, key: string, min: number, max: number): string[] {
  const value = text(body, key);
  if (value === undefined) return [`has no <${key}>`];
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max
    ? []
    : [`has <${key}> ${value}, not ${min}-${max}`];
}

function apiVersion(body: Element): string[] {
  const value = text(body, 'apiVersion');
  if (value === undefined) return ['has no <apiVersion>'];
  return /^\d{2}\.0$/.test(value)
    ? []
    : [`has <apiVersion>${value}</apiVersion>, not a version such as 62.0`];
}

const FIELD_TYPES = ['Number', 'Text', 'Picklist', 'DateTime', 'Checkbox', 'LongTextArea', 'Date'];

function customField(body: Element, name: string): string[] {
  const problems = [...required(body, ['label', 'type']), ...oneOf(body, 'type', FIELD_TYPES)];
  const fullName = text(body, 'fullName');
  if (fullName !== undefined && fullName !== name) problems.push(`has <fullName>${fullName}</fullName>`);
  if (!name.endsWith('__c')) problems.push('is not a custom field name ending in __c');
  switch (text(body, 'type')) {
    case 'Number': {
      problems.push(...integerText(body, 'precision', 1, 18), ...integerText(body, 'scale', 0, 17));
      if (Number(text(body, 'scale')) > Number(text(body, 'precision')))
        problems.push('has a scale larger than its precision');
      break;
    }
    case 'Text':
      problems.push(...integerText(body, 'length', 1, 255));
      break;
    case 'Checkbox':
      problems.push(...required(body, ['defaultValue']), ...oneOf(body, 'defaultValue', ['true', 'false']));
      break;
    case 'Picklist': {
      const valueSet = body.valueSet as Element | undefined;
      const definition = valueSet?.valueSetDefinition as Element | undefined;
      const values = list(definition?.value) as Element[];
      if (values.length === 0) problems.push('is a Picklist without <valueSet><valueSetDefinition><value>');
      for (const value of values) {
        if (text(value, 'fullName') === undefined || text(value, 'label') === undefined)
          problems.push('has a picklist value without <fullName> and <label>');
      }
      break;
    }
  }
  return problems;
}

function permissionSet(body: Element): string[] {
  const problems = required(body, ['label']);
  for (const grant of list(body.fieldPermissions) as Element[]) {
    if (!/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+__c$/.test(text(grant, 'field') ?? ''))
      problems.push(`grants <field>${String(grant.field)}</field>, not Object.Field__c`);
    problems.push(...booleanText(grant, ['readable', 'editable']));
    if (grant.editable === 'true' && grant.readable !== 'true')
      problems.push(`makes ${String(grant.field)} editable without readable`);
  }
  for (const access of list(body.classAccesses) as Element[])
    problems.push(...required(access, ['apexClass', 'enabled']));
  for (const access of list(body.externalCredentialPrincipalAccesses) as Element[]) {
    if (!/^[A-Za-z0-9_]+-[A-Za-z0-9_ ]+$/.test(text(access, 'externalCredentialPrincipal') ?? ''))
      problems.push('names an external credential principal not written ExternalCredential-Principal');
  }
  return problems;
}

function componentBundle(body: Element): string[] {
  const problems = [
    ...apiVersion(body),
    ...required(body, ['isExposed']),
    ...booleanText(body, ['isExposed']),
  ];
  if (body.isExposed === 'true') {
    const targets = list((body.targets as Element | undefined)?.target);
    if (targets.length === 0) problems.push('is exposed without <targets><target>');
    for (const config of list((body.targetConfigs as Element | undefined)?.targetConfig) as Element[]) {
      const named = String(config['@targets'] ?? '')
        .split(',')
        .map((target) => target.trim());
      if (!named.every((target) => targets.includes(target)))
        problems.push(`has a targetConfig for ${named.join(', ')} that <targets> does not list`);
    }
  }
  return problems;
}

function apexCode(body: Element): string[] {
  return [
    ...apiVersion(body),
    ...required(body, ['status']),
    ...oneOf(body, 'status', ['Active', 'Inactive', 'Deleted']),
  ];
}

function namedCredential(body: Element): string[] {
  const problems = [
    ...required(body, ['label', 'namedCredentialType']),
    ...oneOf(body, 'namedCredentialType', ['SecuredEndpoint', 'PrivateEndpoint', 'Legacy']),
    ...booleanText(body, [
      'allowMergeFieldsInBody',
      'allowMergeFieldsInHeader',
      'generateAuthorizationHeader',
    ]),
  ];
  const parameters = list(body.namedCredentialParameters) as Element[];
  for (const parameter of parameters)
    problems.push(...required(parameter, ['parameterName', 'parameterType']));
  const url = parameters.find((parameter) => parameter.parameterType === 'Url');
  if (url === undefined) problems.push('has no Url parameter');
  else if (!/^https:\/\/[^/]+$/.test(text(url, 'parameterValue') ?? ''))
    problems.push(`has Url ${String(url.parameterValue)}, not an https origin`);
  if (
    body.namedCredentialType === 'SecuredEndpoint' &&
    !parameters.some(
      (parameter) => parameter.parameterType === 'Authentication' && parameter.externalCredential,
    )
  )
    problems.push('is a SecuredEndpoint without an Authentication parameter naming its external credential');
  return problems;
}

function externalCredential(body: Element): string[] {
  const problems = [
    ...required(body, ['label', 'authenticationProtocol']),
    ...oneOf(body, 'authenticationProtocol', [
      'AwsSv4',
      'Basic',
      'Custom',
      'Jwt',
      'JwtExchange',
      'NoAuthentication',
      'Oauth',
      'Password',
    ]),
  ];
  const parameters = list(body.externalCredentialParameters) as Element[];
  for (const parameter of parameters)
    problems.push(...required(parameter, ['parameterName', 'parameterType']));
  if (
    !parameters.some(
      (parameter) =>
        parameter.parameterType === 'NamedPrincipal' || parameter.parameterType === 'PerUserPrincipal',
    )
  )
    problems.push('has no principal (NamedPrincipal or PerUserPrincipal parameter)');
  return problems;
}

function cspTrustedSite(body: Element): string[] {
  const flags = Object.keys(body).filter(
    (key) => key.startsWith('isApplicableTo') || key.startsWith('canAccess'),
  );
  const problems = [
    ...required(body, ['endpointUrl', 'isActive']),
    ...booleanText(body, ['isActive', ...flags]),
  ];
  if (!flags.some((key) => body[key] === 'true'))
    problems.push('allows no directive (every isApplicableTo... is false)');
  if (!/^(https|wss):\/\/[^/]+$/.test(text(body, 'endpointUrl') ?? ''))
    problems.push(`has <endpointUrl>${String(body.endpointUrl)}</endpointUrl>, not an https origin`);
  return [
    ...problems,
    ...oneOf(body, 'context', ['All', 'Communities', 'FieldServiceMobileExtension', 'LEX', 'VisualForce']),
  ];
}

function externalClientApp(body: Element): string[] {
  return [
    ...required(body, ['label', 'contactEmail', 'distributionState']),
    ...oneOf(body, 'distributionState', ['Local', 'Packaged']),
  ];
}

function canvasSettings(body: Element): string[] {
  const problems = [
    ...required(body, ['accessMethod', 'canvasUrl', 'externalClientApplication']),
    ...oneOf(body, 'accessMethod', ['Get', 'Post']),
  ];
  for (const location of list(body.canvasLocationOptions)) {
    if (
      !['Aura', 'ChatterFeed', 'MobileNav', 'None', 'PageLayout', 'Publisher', 'Visualforce'].includes(
        String(location),
      )
    )
      problems.push(`has canvas location ${String(location)}`);
  }
  if (!/^https:\/\//.test(text(body, 'canvasUrl') ?? '')) problems.push('has a canvasUrl that is not https');
  return problems;
}

const inFolder = (name: string) => (path: string) => basename(dirname(path)) === name;
const inFolderOf = (parent: string, levels: number) => (path: string) => {
  let folder = path;
  for (let level = 0; level < levels; level++) folder = dirname(folder);
  return basename(folder) === parent;
};

/** Metadata types by source-format suffix. */
export const typeRules: Record<string, TypeRule> = {
  '.field-meta.xml': {
    root: 'CustomField',
    folder: (path) => basename(dirname(path)) === 'fields' && inFolderOf('objects', 3)(path),
    folderText: 'objects/<Object>/fields/',
    check: customField,
  },
  '.object-meta.xml': {
    root: 'CustomObject',
    folder: inFolderOf('objects', 2),
    folderText: 'objects/<Object>/',
    check: (body) => required(body, ['label']),
  },
  '.permissionset-meta.xml': {
    root: 'PermissionSet',
    folder: inFolder('permissionsets'),
    folderText: 'permissionsets/',
    check: permissionSet,
  },
  '.js-meta.xml': {
    root: 'LightningComponentBundle',
    folder: inFolderOf('lwc', 2),
    folderText: 'lwc/<component>/',
    check: componentBundle,
  },
  '.cls-meta.xml': {
    root: 'ApexClass',
    folder: inFolder('classes'),
    folderText: 'classes/',
    check: apexCode,
  },
  '.trigger-meta.xml': {
    root: 'ApexTrigger',
    folder: inFolder('triggers'),
    folderText: 'triggers/',
    check: apexCode,
  },
  '.namedCredential-meta.xml': {
    root: 'NamedCredential',
    folder: inFolder('namedCredentials'),
    folderText: 'namedCredentials/',
    check: namedCredential,
  },
  '.externalCredential-meta.xml': {
    root: 'ExternalCredential',
    folder: inFolder('externalCredentials'),
    folderText: 'externalCredentials/',
    check: externalCredential,
  },
  '.cspTrustedSite-meta.xml': {
    root: 'CspTrustedSite',
    folder: inFolder('cspTrustedSites'),
    folderText: 'cspTrustedSites/',
    check: cspTrustedSite,
  },
  '.customPermission-meta.xml': {
    root: 'CustomPermission',
    folder: inFolder('customPermissions'),
    folderText: 'customPermissions/',
    check: (body) => [...required(body, ['label']), ...booleanText(body, ['isLicensed'])],
  },
  '.eca-meta.xml': {
    root: 'ExternalClientApplication',
    folder: inFolder('externalClientApps'),
    folderText: 'externalClientApps/',
    check: externalClientApp,
  },
  '.ecaOauth-meta.xml': {
    root: 'ExtlClntAppOauthSettings',
    folder: inFolder('extlClntAppOauthSettings'),
    folderText: 'extlClntAppOauthSettings/',
    check: (body) => required(body, ['externalClientApplication']),
  },
  '.ecaCanvas-meta.xml': {
    root: 'ExtlClntAppCanvasSettings',
    folder: inFolder('extlClntAppCanvasSettings'),
    folderText: 'extlClntAppCanvasSettings/',
    check: canvasSettings,
  },
};

export interface MetadataFile {
  path: string;
  type: string;
  name: string;
  body: Element;
}

function suffixOf(path: string): string | undefined {
  return Object.keys(typeRules).find((suffix) => path.endsWith(suffix));
}

/** Parses and checks one file; `path` is shown in problems and decides the expected type. */
export function checkMetadataFile(path: string, xml: string): { file?: MetadataFile; problems: string[] } {
  const suffix = suffixOf(path);
  if (suffix === undefined) return { problems: [`${path}: no known metadata type ends like this file`] };
  const rule = typeRules[suffix];
  const name = basename(path).slice(0, -suffix.length);
  let document: Element;
  try {
    document = parser.parse(xml, true);
  } catch (error) {
    return { problems: [`${path}: is not well-formed XML (${(error as Error).message})`] };
  }
  const roots = Object.keys(document).filter((key) => !key.startsWith('?'));
  if (roots.length !== 1 || roots[0] !== rule.root)
    return { problems: [`${path}: its root element is ${roots.join(', ') || 'missing'}, not ${rule.root}`] };
  const body = (document[rule.root] ?? {}) as Element;
  const problems: string[] = [];
  if (typeof body !== 'object' || body['@xmlns'] !== METADATA_NAMESPACE)
    problems.push(`${path}: <${rule.root}> is not in the namespace ${METADATA_NAMESPACE}`);
  if (!rule.folder(path)) problems.push(`${path}: a ${rule.root} belongs in ${rule.folderText}`);
  const core = name.endsWith('__c') ? name.slice(0, -3) : name;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(core) || core.includes('__') || core.endsWith('_'))
    problems.push(`${path}: ${name} is not a valid API name`);
  if (suffix === '.js-meta.xml' && basename(dirname(path)) !== name)
    problems.push(`${path}: a component's meta file is named after its folder (${basename(dirname(path))})`);
  const objectBody = typeof body === 'object' ? body : {};
  problems.push(...rule.check(objectBody, name).map((problem) => `${path}: ${rule.root} ${name} ${problem}`));
  return { file: { path, type: rule.root, name, body: objectBody }, problems };
}

/** Every `*-meta.xml` under the given folders, relative to `base`. */
export function metaFiles(base: string, folders: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('-meta.xml')) found.push(relative(base, path));
    }
  };
  for (const folder of folders) walk(join(base, folder));
  return found.sort();
}

export function readMetadataFiles(
  base: string,
  folders: string[],
): { files: MetadataFile[]; problems: string[] } {
  const files: MetadataFile[] = [];
  const problems: string[] = [];
  for (const path of metaFiles(base, folders)) {
    const result = checkMetadataFile(path, readFileSync(join(base, path), 'utf8'));
    if (result.file !== undefined) files.push(result.file);
    problems.push(...result.problems);
  }
  return { files, problems };
}
