import type { Router } from 'express';
import { ensurePermissionSetRecord } from './permission-routes.ts';
import type { SalesforceStore } from './salesforce-store.ts';

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** The first `<fullName>` of each `<metadata>` block: picklist values nest their own fullName. */
function metadataFullNames(xml: string): string[] {
  return xml
    .split(/<metadata[\s>]/)
    .slice(1)
    .map((block) => /<fullName>([^<]+)<\/fullName>/.exec(block)?.[1])
    .filter((name): name is string => name !== undefined);
}

/**
 * Metadata API (SOAP) createMetadata and upsertMetadata, answering SaveResult/UpsertResult the way
 * jsforce parses them; creating an existing field fails with DUPLICATE_DEVELOPER_NAME.
 */
export function mountMetadataRoutes(router: Router, store: SalesforceStore): void {
  router.post('/services/Soap/m/:version', (request, response) => {
    const xml = typeof request.body === 'string' ? request.body : '';
    const names = metadataFullNames(xml);
    response.type('text/xml');
    if (xml.includes('<createMetadata>')) {
      const results = names.map((fullName) => {
        if (store.customFields.has(fullName)) {
          const [object, field] = fullName.split('.');
          return `<result><errors><message>There is already a field named ${field} on ${object}.</message><statusCode>DUPLICATE_DEVELOPER_NAME</statusCode></errors><fullName>${fullName}</fullName><success>false</success></result>`;
        }
        store.customFields.add(fullName);
        return `<result><fullName>${fullName}</fullName><success>true</success></result>`;
      });
      return void response.send(
        envelope(`<createMetadataResponse>${results.join('')}</createMetadataResponse>`),
      );
    }
    if (xml.includes('<upsertMetadata>')) {
      // One <metadata> block per permission set: each keeps its own field permissions.
      const blocks = xml.split(/<metadata[\s>]/).slice(1);
      const results = names.map((fullName, index) => {
        const created = !store.permissionSets.has(fullName);
        const block = blocks[index] ?? '';
        const fields = [...block.matchAll(/<field>([^<]+)<\/field>/g)].map((match) => match[1]!);
        store.permissionSets.set(fullName, fields);
        const editable = [...block.matchAll(/<fieldPermissions>(.*?)<\/fieldPermissions>/gs)]
          .filter((match) => /<editable>true<\/editable>/.test(match[1] ?? ''))
          .map((match) => /<field>([^<]+)<\/field>/.exec(match[1] ?? '')?.[1])
          .filter((field): field is string => field !== undefined);
        store.editablePermissions.set(fullName, editable);
        ensurePermissionSetRecord(store, fullName);
        return `<result><created>${created}</created><fullName>${fullName}</fullName><success>true</success></result>`;
      });
      return void response.send(
        envelope(`<upsertMetadataResponse>${results.join('')}</upsertMetadataResponse>`),
      );
    }
    response
      .status(500)
      .send(
        envelope(
          '<soapenv:Fault><faultcode>sf:INVALID_OPERATION</faultcode><faultstring>Unsupported in the sandbox CRM</faultstring></soapenv:Fault>',
        ),
      );
  });
}
