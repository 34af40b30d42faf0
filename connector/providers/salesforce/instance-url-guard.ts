import { isIP } from 'node:net';
import { ConnectorError } from '../../../shared/errors.ts';

/**
 * Domains Salesforce serves orgs from: My Domain (`*.my.salesforce.com`), sandboxes
 * (`*.sandbox.my.salesforce.com`), classic pods (`na1.salesforce.com`), login hosts, Experience/Visualforce
 * hosts (`*.force.com`), Government Cloud Plus (`*.my.salesforce.mil`) and legacy `*.cloudforce.com`.
 */
export const salesforceDomainSuffixes = ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com'];

export interface InstanceUrlPolicy {
  /**
   * Extra hosts accepted besides Salesforce domains, for the sandbox CRM and tests only: `host` or
   * `host:port`, compared exactly. Plain http is accepted only for these.
   */
  allowedInstanceHosts?: readonly string[];
}

function refuse(url: string, reason: string): never {
  throw new ConnectorError('INVALID_INPUT', `Refusing Salesforce URL "${url}": ${reason}`, {
    context: { provider: 'salesforce', operation: 'check instance URL' },
  });
}

function isExtraAllowed(parsed: URL, policy: InstanceUrlPolicy): boolean {
  const allowed = policy.allowedInstanceHosts ?? [];
  return allowed.some((entry) => {
    const wanted = entry.toLowerCase();
    return wanted.includes(':') ? parsed.host === wanted : parsed.hostname === wanted;
  });
}

/**
 * Checks a URL before a token may be sent to it: an org's `instance_url`, a login host, or the target
 * of a redirect. A writable instance URL would otherwise send tokens anywhere (SSRF).
 * Returns the normalised origin.
 */
export function assertSalesforceUrl(url: string, policy: InstanceUrlPolicy = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse(url, 'not an absolute URL');
  }
  if (parsed.username !== '' || parsed.password !== '') refuse(url, 'credentials in the URL are not allowed');
  if (isExtraAllowed(parsed, policy)) {
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') refuse(url, 'must be http(s)');
    return parsed.origin;
  }
  if (parsed.protocol !== 'https:') refuse(url, 'must use https');
  if (parsed.port !== '') refuse(url, 'must use the default https port');
  const host = parsed.hostname.toLowerCase();
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) refuse(url, 'IP addresses are not Salesforce instances');
  if (host.endsWith('.')) refuse(url, 'a trailing dot in the host is not allowed');
  const onSalesforce = salesforceDomainSuffixes.some((suffix) => host.endsWith(`.${suffix}`));
  if (!onSalesforce) {
    refuse(url, `host must end with one of ${salesforceDomainSuffixes.map((s) => `.${s}`).join(', ')}`);
  }
  return parsed.origin;
}
