/**
 * Metadata API XML as Salesforce's own tools write it: an XML declaration, the root element in the
 * metadata namespace, four-space indentation, `fullName` first and the other elements in
 * alphabetical order (the order `sf project retrieve` produces), arrays as repeated elements, keys
 * starting with `@` as attributes. With `keepOrder` the elements stay in the order given (for files
 * such as a component's `js-meta.xml`, which Salesforce's examples write in their own order).
 */

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

export type XmlValue = string | number | boolean | XmlObject | XmlValue[];
export interface XmlObject {
  [element: string]: XmlValue | undefined;
}

/** Element text: only `&`, `<` and `>` need escaping (quotes stay as written, as retrieve writes them). */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replaceAll('"', '&quot;');
}

function orderedKeys(value: XmlObject, keepOrder: boolean): string[] {
  const keys = Object.keys(value).filter((key) => value[key] !== undefined && !key.startsWith('@'));
  if (keepOrder) return keys;
  const rest = keys.filter((key) => key !== 'fullName').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.includes('fullName') ? ['fullName', ...rest] : rest;
}

function attributes(value: XmlObject): string {
  return Object.keys(value)
    .filter((key) => key.startsWith('@'))
    .map((key) => ` ${key.slice(1)}="${escapeAttribute(String(value[key]))}"`)
    .join('');
}

function element(name: string, value: XmlValue, depth: number, keepOrder: boolean): string[] {
  const indent = '    '.repeat(depth);
  if (Array.isArray(value)) return value.flatMap((item) => element(name, item, depth, keepOrder));
  if (typeof value === 'object') {
    const children = orderedKeys(value, keepOrder).flatMap((key) => {
      const child = value[key];
      return child === undefined ? [] : element(key, child, depth + 1, keepOrder);
    });
    const open = `${indent}<${name}${attributes(value)}>`;
    return [open, ...children, `${indent}</${name}>`];
  }
  return [`${indent}<${name}>${escapeXml(String(value))}</${name}>`];
}

/** A whole `*-meta.xml` file: `root` is the metadata type (CustomField, PermissionSet...). */
export function metadataXml(root: string, body: XmlObject, options: { keepOrder?: boolean } = {}): string {
  const keepOrder = options.keepOrder ?? false;
  const children = orderedKeys(body, keepOrder).flatMap((key) => {
    const child = body[key];
    return child === undefined ? [] : element(key, child, 1, keepOrder);
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${root} xmlns="${METADATA_NAMESPACE}">`,
    ...children,
    `</${root}>`,
    '',
  ].join('\n');
}
