import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp, type SandboxApp, type SandboxOptions } from './create-sandbox-app.ts';

export interface RunningSandbox extends SandboxApp {
  /** e.g. http://127.0.0.1:41234: the login URL and the instance URL of the emulated org. */
  baseUrl: string;
  /** `host:port`, to pass as `allowedInstanceHosts` so the providers accept it. */
  host: string;
  close(): Promise<void>;
}

/** Starts the sandbox CRM on 127.0.0.1 (port 0 picks a free one). */
export async function startSandbox(options: SandboxOptions = {}, port = 0): Promise<RunningSandbox> {
  const sandbox = createSandboxApp(options);
  const server: Server = sandbox.app.listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = `127.0.0.1:${address.port}`;
  return {
    ...sandbox,
    baseUrl: `http://${host}`,
    host,
    // Webhook timers, retries and POSTs in flight stop first, then the server.
    close: async () => {
      await sandbox.events.close();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
