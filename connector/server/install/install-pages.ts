import type { Response } from 'express';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** JSON for API clients and tests that ask for it, a small page for the admin's browser otherwise. */
export function answer(
  response: Response,
  status: number,
  json: Record<string, unknown>,
  html: { title: string; lines: string[] },
): void {
  response.status(status);
  response.setHeader('Cache-Control', 'no-store');
  if (response.req.accepts(['html', 'json']) === 'json') {
    response.json(json);
    return;
  }
  response
    .type('html')
    .send(page(html.title, html.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')));
}
