import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../shared/errors.ts';
import { packageSettingNames, packageSetupPath, writePackageSettings } from './package-settings.ts';
import { instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const setupPath = '/services/apexrest/leadscore/setup';
const secret = 'q7Hn2_Vx9-LpR4tZ0cWm8bKs5yDj3aFe6uGo1iNr2Xv';
const input = {
  namespace: 'leadscore',
  orgId: '00D5g000004XyZ1EAK',
  integrationUserId: '0055g00000AbCdEAAV',
  webhookSecret: secret,
};
const json = { 'content-type': 'application/json;charset=UTF-8' };

/** The write's error, checked to be a ConnectorError that says nothing of the secret. */
async function failure(): Promise<ConnectorError> {
  const { connector } = testConnector();
  const error: unknown = await writePackageSettings(connector, input).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  const connectorError = error as ConnectorError;
  const cause = connectorError.cause as { message?: unknown; data?: unknown } | undefined;
  const everything = JSON.stringify({
    message: connectorError.message,
    context: connectorError.context,
    cause: { message: cause?.message, data: cause?.data },
  });
  expect(everything).not.toContain(secret);
  return connectorError;
}

describe('writePackageSettings: PUT /services/apexrest/leadscore/setup (LeadScoreSetupResource)', () => {
  it('sends the secret and the integration user as JSON with the session, and reports a created org default', async () => {
    let sent: unknown;
    const scope = nock(instanceUrl)
      .matchHeader('authorization', 'Bearer old-access')
      .matchHeader('content-type', /^application\/json/)
      .put(setupPath, (body: unknown) => {
        sent = body;
        return true;
      })
      .reply(200, { ok: true, created: true }, json);
    const { connector } = testConnector();
    expect(await writePackageSettings(connector, input)).toEqual({ created: true });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({ webhookSecret: secret, integrationUserId: input.integrationUserId });
  });

  it('reports an updated org default (created false)', async () => {
    nock(instanceUrl).put(setupPath).reply(200, { ok: true, created: false }, json);
    const { connector } = testConnector();
    expect(await writePackageSettings(connector, input)).toEqual({ created: false });
  });

  it("the resource's own 403 (no Manage LeadScore Settings permission): assign LeadScore_Admin", async () => {
    nock(instanceUrl)
      .put(setupPath)
      .reply(
        403,
        {
          error: {
            code: 'FORBIDDEN',
            message: 'assign the LeadScore Admin permission set to the user who connects LeadScore',
          },
        },
        json,
      );
    const error = await failure();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'Salesforce refused to store the LeadScore settings: assign the LeadScore_Admin permission set to the installing user, then install again',
    );
    expect(error.context).toMatchObject({ provider: 'salesforce', vendorCode: 'ERROR_HTTP_403' });
  });

  it("the platform's 403 (no access to the Apex class, which LeadScore_Admin grants): the same advice", async () => {
    nock(instanceUrl)
      .put(setupPath)
      .reply(
        403,
        [
          {
            errorCode: 'FORBIDDEN',
            message: 'You do not have access to the Apex class named: LeadScoreSetupResource',
          },
        ],
        json,
      );
    const error = await failure();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('assign the LeadScore_Admin permission set to the installing user');
    expect(error.context.vendorCode).toBe('FORBIDDEN');
  });

  it('an INSUFFICIENT_ACCESS answer: the same advice', async () => {
    nock(instanceUrl)
      .put(setupPath)
      .reply(
        403,
        [
          {
            errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
            message: 'insufficient access rights on object id',
          },
        ],
        json,
      );
    expect((await failure()).message).toContain('assign the LeadScore_Admin permission set');
  });

  it('404 NOT_FOUND (a package version without the resource): upgrade the package', async () => {
    nock(instanceUrl)
      .put(setupPath)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'Could not find a match for URL' }], json);
    const error = await failure();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'the LeadScore package is older than this server: upgrade it, then install again',
    );
    expect(error.context.vendorCode).toBe('NOT_FOUND');
  });

  it('400 from the resource: its message, naming the field', async () => {
    nock(instanceUrl)
      .put(setupPath)
      .reply(
        400,
        {
          error: {
            code: 'INVALID_INPUT',
            message: 'integrationUserId must be a Salesforce user id (005...)',
          },
        },
        json,
      );
    const error = await failure();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'the LeadScore package refused its settings: integrationUserId must be a Salesforce user id (005...)',
    );
  });

  it('a 200 without {"ok": true, "created": ...} is not taken for a write', async () => {
    nock(instanceUrl).put(setupPath).reply(200, { ok: false }, json);
    const error = await failure();
    expect(error.code).toBe('UNKNOWN');
    expect(error.message).toContain(setupPath);
  });

  it('refuses bad input before any call, without echoing the secret', async () => {
    const { connector } = testConnector();
    const cases: [Partial<typeof input>, string][] = [
      [
        { webhookSecret: 'short secret!' },
        'the webhook secret must be 16-100 base64 or base64url characters',
      ],
      [{ integrationUserId: '00Q5g0000000021EAA' }, 'the integration user id is not a Salesforce user id'],
      [{ orgId: '0055g00000AbCdEAAV' }, 'the org id is not a Salesforce organization id'],
      [{ namespace: 'lead/score' }, 'the package namespace is not a Salesforce namespace prefix'],
    ];
    for (const [change, message] of cases) {
      const error: unknown = await writePackageSettings(connector, { ...input, ...change }).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
      expect((error as ConnectorError).message).toContain(message);
      expect((error as ConnectorError).message).not.toContain('short secret!');
    }
  });

  it('names the resource and the setting under the namespace', () => {
    expect(packageSetupPath('leadscore')).toBe(setupPath);
    expect(packageSettingNames('leadscore')).toEqual({
      object: 'leadscore__LeadScore_Settings__c',
      secret: 'leadscore__WebhookSecret__c',
      integrationUser: 'leadscore__IntegrationUserId__c',
    });
  });
});
