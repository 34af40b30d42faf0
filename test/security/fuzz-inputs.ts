import { gzipSync } from 'node:zlib';

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed and index. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FuzzCase {
  kind: string;
  method: string;
  /** Appended to the endpoint's path (a query, or garbage). */
  suffix: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent over a bare socket, byte for byte, when the HTTP client would refuse to send it. */
  raw?: Buffer;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=koi8-r',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  'application/octet-stream',
  'application/vnd.api+json',
  '*/*',
  ';;;',
  'application/json; charset=',
];
const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'SEARCH',
];
const UNICODE = [
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '\uDFFF',
  '🙂',
  'é',
  '\u2028',
  '\\u0000',
  '𝕏',
  '\u0085',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
  return bytes;
}

function randomHeaderText(random: () => number, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += String.fromCharCode(32 + Math.floor(random() * 95));
  return text;
}

function deepNesting(depth: number, random: () => number): string {
  return random() < 0.5
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const SAMPLE_JSON = JSON.stringify({
  signedRequest: 'abc.def',
  userId: '005000000000001AAA',
  batchId: 'batch-0000000000000001',
  changes: [
    { sobject: 'Lead', recordId: '00Q000000000001AAA', leadId: '00Q000000000001AAA', change: 'update' },
  ],
  settings: { hot: 80, warm: 50 },
});

const QUERY_SUFFIXES = [
  '',
  '?portalId=1&userId=1',
  '?portalId=abc&userId=-1',
  '?portalId=1&portalId=2',
  '?%zz=%zz',
  '?crmId=%00',
  `?q=${'a'.repeat(6_000)}`,
  '?a[b][c][d][e][f]=1',
  '?__proto__[x]=1&constructor[prototype][y]=2',
  '/..%2f..%2fetc%2fpasswd',
  '/%E0%A4%A',
  '/%',
  '?state=&code=',
];

/** Credentials that look right and are not. */
function bogusCredentials(random: () => number): Record<string, string> {
  switch (Math.floor(random() * 7)) {
    case 0:
      return { authorization: `Bearer ${randomHeaderText(random, 40)}` };
    case 1:
      return { authorization: `Bearer eyJ0IjoiaHM6MSJ9.${randomHeaderText(random, 43)}` };
    case 2:
      return { authorization: 'Basic dXNlcjpwYXNz' };
    case 3:
      return {
        'x-hubspot-signature-v3': randomHeaderText(random, 44),
        'x-hubspot-request-timestamp': String(Date.now()),
      };
    case 4:
      return {
        'x-leadscore-org': '00D000000000001AAA',
        'x-leadscore-timestamp': random() < 0.5 ? 'NaN' : String(Date.now()),
        'x-leadscore-signature': randomHeaderText(random, 44),
      };
    case 5:
      return { 'x-hubspot-signature-v3': 'x', authorization: 'Bearer x' };
    default:
      return {};
  }
}

/** One malformed request; `index` picks the family so every family is well represented. */
export function fuzzCase(random: () => number, index: number): FuzzCase {
  const headers: Record<string, string> = {
    accept: random() < 0.8 ? 'application/json' : pick(random, ['*/*', 'text/html', 'image/png', '']),
    ...bogusCredentials(random),
  };
  const suffix = random() < 0.3 ? pick(random, QUERY_SUFFIXES) : '';
  const method = random() < 0.85 ? 'POST' : pick(random, METHODS);
  switch (index % 11) {
    case 0:
      return {
        kind: 'random bytes',
        method,
        suffix,
        headers: { ...headers, 'content-type': pick(random, CONTENT_TYPES) },
        body: randomBytes(random, Math.floor(random() * 4_096)),
      };
    case 1: {
      const cut = Math.max(1, Math.floor(random() * SAMPLE_JSON.length));
      return {
        kind: 'truncated JSON',
        method,
        suffix,
        headers: { ...headers, 'content-type': 'application/json' },
        body: Buffer.from(SAMPLE_JSON.slice(0, cut)),
      };
    }
    case 2:
      return {
        kind: 'huge header',
        method,
        suffix,
        headers: { ...headers, 'x-padding': 'a'.repeat(8_000 + Math.floor(random() * 30_000)) },
        body: Buffer.from('{}'),
      };
    case 3:
      return {
        kind: 'wrong content type',
        method,
        suffix,
        headers: { ...headers, 'content-type': pick(random, CONTENT_TYPES) },
        body: Buffer.from(SAMPLE_JSON),
      };
    case 4:
      return {
        kind: 'deep nesting',
        method,
        suffix,
        headers: { ...headers, 'content-type': 'application/json' },
        body: Buffer.from(deepNesting(1_000 + Math.floor(random() * 100_000), random)),
      };
    case 5: {
      const text = Array.from({ length: 50 }, () => pick(random, UNICODE)).join('');
      return {
        kind: 'unicode',
        method,
        suffix,
        headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from(JSON.stringify({ userId: text, signedRequest: text, [text]: text })),
      };
    }
    case 6:
      return {
        kind: '2 MB body',
        method: 'POST',
        suffix,
        headers: {
          ...headers,
          'content-type': pick(random, [
            'application/json',
            'application/x-www-form-urlencoded',
            'application/octet-stream',
          ]),
        },
        body: Buffer.alloc(2 * 1024 * 1024, random() < 0.5 ? '[' : 'a'),
      };
    case 7:
      return {
        kind: 'bad method',
        method: pick(random, METHODS),
        suffix,
        headers,
        body: random() < 0.5 ? Buffer.from(SAMPLE_JSON) : undefined,
      };
    case 8:
      return {
        kind: 'gzip bomb or broken gzip',
        method: 'POST',
        suffix,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-encoding': pick(random, ['gzip', 'deflate', 'br', 'zstd', 'gzip, gzip']),
        },
        body: random() < 0.5 ? gzipSync(Buffer.alloc(3 * 1024 * 1024, ' ')) : randomBytes(random, 200),
      };
    case 9:
      return {
        kind: 'JSON of the wrong shape',
        method,
        suffix,
        headers: { ...headers, 'content-type': 'application/json' },
        body: Buffer.from(
          pick(random, [
            'null',
            '1',
            '"x"',
            '[]',
            'true',
            '{"__proto__":{"admin":true}}',
            '{"signed_request":[1,2]}',
            '{"signedRequest":{"a":1}}',
            '{"userId":null}',
            '{"changes":"x","batchId":1}',
            '{"hot":1e999}',
          ]),
        ),
      };
    default:
      return { kind: 'raw malformed request', method, suffix, headers, raw: rawRequest(random) };
  }
}

/** Requests an HTTP client would refuse to send: broken request lines, bad header bytes, lying lengths. */
function rawRequest(random: () => number): Buffer {
  const shapes = [
    'GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a"',
    'POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'POST /api/v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n',
    'BREW /auth/salesforce/canvas HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
    'POST /auth/salesforce/apex HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\n{}',
    'GET /api/v1/whoami HTTP/9.9\r\nHost: x\r\n\r\n',
    'POST /auth/salesforce/canvas HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
    `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'POST /webhooks/salesforce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"batchId":',
  ];
  return Buffer.from(pick(random, shapes), 'latin1');
}
