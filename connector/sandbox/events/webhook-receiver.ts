import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A local HTTP endpoint that records every POST with its raw body and answers as told: what tests
 * and benchmarks point the sandbox's webhooks at when no LeadScore server runs.
 */

export interface ReceivedPost {
  /** The full URI as called: http://127.0.0.1:port/path?query. */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer this much later (a slow server). */
  delayMs?: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:port */
  baseUrl: string;
  posts: ReceivedPost[];
  /** The most POSTs that were being answered at one time. */
  maxConcurrent: number;
  /** How to answer the n-th POST (0 first); 200 by default. */
  answer: (post: ReceivedPost, index: number) => ReceiverAnswer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const app = express();
  const receiver: WebhookReceiver = {
    baseUrl: '',
    posts: [],
    maxConcurrent: 0,
    answer: () => ({ status: 200 }),
    close: async () => {},
  };
  let answering = 0;
  app.post('/{*path}', express.raw({ type: () => true, limit: '1mb' }), async (request, response) => {
    const post: ReceivedPost = {
      uri: `${receiver.baseUrl}${request.originalUrl}`,
      headers: request.headers,
      rawBody: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '',
      receivedAt: Date.now(),
    };
    const index = receiver.posts.length;
    receiver.posts.push(post);
    const answer = receiver.answer(post, index);
    answering += 1;
    receiver.maxConcurrent = Math.max(receiver.maxConcurrent, answering);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    answering -= 1;
    if (response.destroyed) return;
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
    response.status(answer.status).json({ ok: answer.status < 300 });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  receiver.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return receiver;
}
