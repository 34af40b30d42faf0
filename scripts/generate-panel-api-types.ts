/**
 * Writes the web panel's API types (`ui-extension/panel/src/api/openapi.d.ts`) from the server's
 * OpenAPI document, built from the routes' own zod schemas without starting a server or reaching
 * Redis. `npm run generate:api-types` after changing a route; a test fails while the file is stale.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import openapiTS, { astToString } from 'openapi-typescript';
import { apiRoutes, openApiDocument } from '../connector/server/api/api-router.ts';
import type { ServerDependencies } from '../connector/server/server-dependencies.ts';
import { loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { loadManifest } from '../shared/manifest.ts';
import { createStore } from '../shared/store/store.ts';
import type { JobQueue } from '../worker/queues/job-queue.ts';

export const PANEL_API_TYPES_PATH = fileURLToPath(
  new URL('../ui-extension/panel/src/api/openapi.d.ts', import.meta.url),
);
/** The document's server URL only: the panel takes its API base from the bootstrap. */
const DOCUMENT_PUBLIC_URL = 'http://localhost:3000';
const BIOME = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));

const refusingQueue: JobQueue = {
  enqueue: async () => {
    throw new Error('the API document is built without queues');
  },
  close: async () => {},
};

/** The server's OpenAPI document, exactly as `GET /api/v1/openapi.json` answers it. */
export function panelApiDocument(): ReturnType<typeof openApiDocument> {
  // Routes keep the client for their handlers; none runs here, and lazyConnect never dials.
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  try {
    const deps: ServerDependencies = {
      config: loadConfig({ NODE_ENV: 'test' }),
      redis,
      store: createStore(redis),
      queues: refusingQueue,
      manifest: loadManifest(),
      logger: createLogger({ level: 'silent' }),
      publicUrl: DOCUMENT_PUBLIC_URL,
      now: () => Date.now(),
    };
    return openApiDocument(apiRoutes(deps), DOCUMENT_PUBLIC_URL);
  } finally {
    redis.disconnect();
  }
}

const HEADER =
  "// Generated from the server's OpenAPI document by scripts/generate-panel-api-types.ts: do not edit.\n" +
  '// After changing an API route, run `npm run generate:api-types`.\n\n';

/** The text of openapi.d.ts, formatted the way the repository's formatter leaves it. */
export async function panelApiTypes(): Promise<string> {
  const nodes = await openapiTS(JSON.stringify(panelApiDocument()), { alphabetize: true, silent: true });
  const text = `${HEADER}${astToString(nodes)}`;
  return execFileSync(BIOME, ['format', `--stdin-file-path=${PANEL_API_TYPES_PATH}`], {
    input: text,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await panelApiTypes();
  writeFileSync(PANEL_API_TYPES_PATH, text);
  console.log(`wrote ${PANEL_API_TYPES_PATH} (${text.length} characters)`);
}
