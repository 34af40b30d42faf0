import { PassThrough } from 'node:stream';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import type { Transport } from 'jsforce/lib/transport.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import { ConnectorError } from '../../../shared/errors.ts';
import { assertSalesforceUrl, type InstanceUrlPolicy } from './instance-url-guard.ts';

export interface ObservedResponse {
  method: string;
  url: string;
  statusCode: number;
  headers: Record<string, string>;
}

export interface GuardedTransportOptions extends InstanceUrlPolicy {
  /** Sees every response (limit headers, call counting). */
  onResponse?: (response: ObservedResponse) => void;
  /** Retries of idempotent GETs on 5xx or network errors; job-level retries belong to the queue. */
  maxRetries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

const retryableStatuses = new Set([500, 502, 503, 504]);
const maxRedirects = 3;

function toBody(body: HttpRequest['body']): string | Uint8Array<ArrayBuffer> | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return Uint8Array.from(body);
  throw new ConnectorError('INVALID_INPUT', 'Salesforce requests must carry a string or Buffer body', {
    context: { provider: 'salesforce' },
  });
}

/** fetch computes the body length itself and refuses a caller's content-length. */
function fetchHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower !== 'content-length' && lower !== 'transfer-encoding') out[name] = value;
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * jsforce transport that checks every URL (and every redirect target) against Salesforce domains
 * before the request, with its bearer token, leaves the process. It uses the global fetch so nock
 * intercepts it in tests, never follows redirects blindly, and keeps HTTP-level retries small.
 */
export class GuardedTransport implements Pick<Transport, 'httpRequest' | 'getRequestStreamCreator'> {
  private readonly options: GuardedTransportOptions;

  constructor(options: GuardedTransportOptions = {}) {
    this.options = options;
  }

  httpRequest(request: HttpRequest, _options?: HttpRequestOptions): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      const stream = new PassThrough();
      const promise = this.send(request).then(
        (response) => {
          stream.end(response.body);
          return response;
        },
        (error: unknown) => {
          stream.destroy();
          throw error;
        },
      );
      return { stream, promise };
    });
  }

  getRequestStreamCreator(): never {
    throw new Error('GuardedTransport sends requests itself; use httpRequest');
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url;
    const method = request.method.toUpperCase();
    const body = toBody(request.body);
    for (let redirects = 0; ; redirects++) {
      assertSalesforceUrl(url, this.options);
      const response = await this.fetchWithRetries(url, method, fetchHeaders(request.headers), body);
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && location) {
        if (redirects >= maxRedirects) {
          throw new ConnectorError('UNKNOWN', `Too many redirects from ${request.url}`, {
            context: { provider: 'salesforce', httpStatus: response.statusCode },
          });
        }
        // The next loop turn re-checks the target before the token is sent again.
        url = new URL(location, url).toString();
        continue;
      }
      return response;
    }
  }

  private async fetchWithRetries(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array<ArrayBuffer> | undefined,
  ): Promise<HttpResponse> {
    const maxRetries = method === 'GET' ? (this.options.maxRetries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(url, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
        });
        const responseHeaders: Record<string, string> = {};
        response.headers.forEach((value, key) => {
          responseHeaders[key.toLowerCase()] = value;
        });
        const text = await response.text();
        this.options.onResponse?.({ method, url, statusCode: response.status, headers: responseHeaders });
        if (retryableStatuses.has(response.status) && attempt < maxRetries) {
          await sleep((this.options.retryDelayMs ?? 100) * 2 ** attempt);
          continue;
        }
        return { statusCode: response.status, headers: responseHeaders, body: text };
      } catch (error) {
        if (error instanceof ConnectorError || attempt >= maxRetries) throw error;
        await sleep((this.options.retryDelayMs ?? 100) * 2 ** attempt);
      }
    }
  }
}
