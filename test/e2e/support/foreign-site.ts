import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A page of some other website that tries to frame LeadScore: a plain HTTP server on 127.0.0.1 and a
 * port of its own, so its origin is neither the product's nor any CRM's. It sends no CSP itself.
 */
export interface ForeignSite {
  /** The page that frames `framedUrl`, e.g. http://127.0.0.1:41234/. */
  url: string;
  close(): Promise<void>;
}

const escapeAttribute = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startForeignSite(framedUrl: string): Promise<ForeignSite> {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Another website</title></head>
<body>
<main>
<h1>Another website</h1>
<iframe title="LeadScore panel" src="${escapeAttribute(framedUrl)}" width="600" height="600"></iframe>
</main>
</body>
</html>
`;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
