import type { Connection, HttpRequest } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';
import type { Logger } from 'pino';
import { ConnectorError } from '../../../shared/errors.ts';
import type { UsagePacer } from '../../../shared/rate-limit/salesforce-daily-pacer.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { parseApiUsage, type QueryResponse, queryResponseSchema } from './api-schemas.ts';
import { msUntilNextUtcDay, parseSalesforceError } from './parse-salesforce-error.ts';
import type { SalesforceAuth } from './salesforce-auth.ts';

export interface ApiUsage {
  used: number;
  limit: number;
}

/** Reads `Sforce-Limit-Info` from every response and pauses sync above a share of the daily limit. */
export class ApiUsageGuard {
  latest: ApiUsage | null = null;
  private readonly maxShare: number;
  private readonly now: () => number;

  constructor(maxShare: number, now: () => number = Date.now) {
    this.maxShare = maxShare;
    this.now = now;
  }

  observe(headers: Record<string, string>): void {
    const usage = parseApiUsage(headers['sforce-limit-info']);
    if (usage) this.latest = usage;
  }

  assertSyncAllowed(tenantId: string): void {
    if (!this.latest || this.latest.limit <= 0) return;
    const share = this.latest.used / this.latest.limit;
    if (share < this.maxShare) return;
    throw new ConnectorError(
      'RATE_LIMITED',
      `Sync paused: ${this.latest.used} of ${this.latest.limit} daily API calls used (pause at ${Math.round(this.maxShare * 100)}%)`,
      {
        retryAfterMs: msUntilNextUtcDay(this.now()),
        context: { provider: 'salesforce', tenantId, vendorCode: 'API_USAGE_SHARE' },
      },
    );
  }
}

/** The jsforce connection of one tenant, with errors mapped to ConnectorError and usage enforced. */
export class SalesforceClient {
  readonly connection: Connection;
  readonly usage: ApiUsageGuard;
  readonly logger: Logger;
  private readonly auth: SalesforceAuth;
  private readonly tenantId: string;
  private readonly pacer: UsagePacer | undefined;

  constructor(options: {
    connection: Connection;
    auth: SalesforceAuth;
    usage: ApiUsageGuard;
    tenantId: string;
    logger: Logger;
    /** Paces calls to a share of the org's daily limit (shared across workers in Redis). */
    pacer?: UsagePacer;
  }) {
    this.connection = options.connection;
    this.auth = options.auth;
    this.usage = options.usage;
    this.tenantId = options.tenantId;
    this.logger = options.logger;
    this.pacer = options.pacer;
  }

  get apiVersion(): string {
    return this.connection.version;
  }

  dataPath(path: string): string {
    return `/services/data/v${this.connection.version}${path}`;
  }

  mapError(error: unknown, operation: string): ConnectorError {
    // jsforce rewraps a failed refresh as a plain Error; the auth layer kept the real cause.
    if (
      error instanceof Error &&
      /Unable to refresh session/.test(error.message) &&
      this.auth.lastRefreshError
    ) {
      return this.auth.lastRefreshError;
    }
    return parseSalesforceError(error, { context: { tenantId: this.tenantId, operation } });
  }

  async request(request: HttpRequest, operation: string): Promise<unknown> {
    await this.pacer?.acquire(this.usage.latest);
    try {
      return await this.connection.request(request);
    } catch (error) {
      throw this.mapError(error, operation);
    }
  }

  /** For the few calls whose headers matter (Bulk API 2.0 `Sforce-Locator`). */
  async requestWithHeaders(
    request: HttpRequest,
    operation: string,
    responseType?: string,
  ): Promise<{ body: unknown; headers: Record<string, string> }> {
    const api = new HttpApi(this.connection, responseType ? { responseType } : {});
    let headers: Record<string, string> = {};
    api.on('response', (response: { headers: Record<string, string> }) => {
      headers = response.headers;
    });
    const url = request.url.startsWith('/') ? `${this.connection.instanceUrl}${request.url}` : request.url;
    await this.pacer?.acquire(this.usage.latest);
    try {
      const body = await api.request({ ...request, url });
      return { body, headers };
    } catch (error) {
      throw this.mapError(error, operation);
    }
  }

  /**
   * Pages over `nextRecordsUrl` until `done`: no autoFetch (it stops silently at maxFetch) and no
   * trust in `totalSize` as a loop bound.
   */
  async *queryPages(
    soql: string,
    operation: string,
    beforeEachCall?: () => void,
  ): AsyncGenerator<QueryResponse> {
    let url = this.dataPath(`/query?q=${encodeURIComponent(soql)}`);
    for (;;) {
      beforeEachCall?.();
      const raw = await this.request({ method: 'GET', url }, operation);
      const result = validateRecord(queryResponseSchema, raw);
      if (!result.ok) {
        throw new ConnectorError(
          'UNKNOWN',
          `Unexpected query response during ${operation}: ${result.problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`,
          { context: { provider: 'salesforce', tenantId: this.tenantId, operation } },
        );
      }
      yield result.value;
      if (result.value.done || !result.value.nextRecordsUrl) return;
      url = result.value.nextRecordsUrl;
    }
  }
}
