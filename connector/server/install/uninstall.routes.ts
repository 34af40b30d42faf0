import express, { type Router } from 'express';
import { type Caller, callerOf } from '../auth/caller.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { type InstallProvider, installProviders } from './install-providers.ts';
import { type TenantQueues, tenantQueuesFor } from './tenant-queues.ts';
import { uninstallTenant } from './uninstall-service.ts';

export interface UninstallRouterOptions {
  tenantQueues?: TenantQueues;
  providers?: Partial<Record<InstallProvider['provider'], InstallProvider>>;
}

/**
 * `DELETE /api/v1/tenant`: the caller's tenant is disconnected and its data deleted. Admins only;
 * the authentication middleware (connector/server/auth/) runs before this router and sets the
 * caller, whose tenant is the one removed (never one named in the request).
 */
export function uninstallRouter(deps: ServerDependencies, options: UninstallRouterOptions = {}): Router {
  const router = express.Router();
  const providers = options.providers ?? installProviders(deps);
  const tenantQueues = options.tenantQueues ?? tenantQueuesFor(deps.queues, deps.config);

  router.delete('/api/v1/tenant', async (_request, response, next) => {
    let caller: Caller;
    try {
      caller = callerOf(response);
    } catch {
      response.status(401).json({ error: 'unauthenticated', message: 'sign in through the CRM panel first' });
      return;
    }
    if (caller.role !== 'admin') {
      response.status(403).json({
        error: 'forbidden',
        message: 'only a LeadScore admin can disconnect the CRM and delete its data',
      });
      return;
    }
    try {
      const report = await uninstallTenant(
        { store: deps.store, providers, tenantQueues, logger: deps.logger },
        caller.tenantId,
      );
      response.status(200).json({
        uninstalled: true,
        tenantId: report.tenantId,
        revocation: report.revocation,
        schedulersRemoved: report.jobs.schedulers,
        jobsRemoved: report.jobs.jobs,
        jobsStillRunning: report.jobs.active,
        keysRemoved: report.keysRemoved,
      });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
