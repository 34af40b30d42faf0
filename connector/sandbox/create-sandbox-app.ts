import express, { type Express } from 'express';
import { loadManifest } from '../../shared/manifest.ts';
import { sandboxEventRoutes } from './events/sandbox-event-routes.ts';
import { SandboxEvents, type SandboxEventsOptions } from './events/sandbox-events.ts';
import { CallCounter, type FaultOptions, FaultPlan } from './faults.ts';
import {
  type HubspotSandboxOptions,
  type HubspotSandboxState,
  hubspotRouter,
} from './hubspot/hubspot-router.ts';
import type { HubspotStore } from './hubspot/hubspot-store.ts';
import { panelHostRoutes } from './panels/panel-host-routes.ts';
import { type PanelSecretsUpdate, SandboxPanelHosts } from './panels/panel-hosts.ts';
import {
  type SalesforceSandboxOptions,
  type SalesforceSandboxState,
  salesforceRouter,
} from './salesforce/salesforce-router.ts';
import { type CanonicalSeed, SalesforceStore, seedSalesforce } from './salesforce/salesforce-store.ts';

export interface SandboxSeed {
  salesforce?: CanonicalSeed;
  hubspot?: unknown;
}

export interface SandboxOptions {
  seed?: SandboxSeed;
  faults?: FaultOptions;
  salesforce?: SalesforceSandboxOptions;
  hubspot?: HubspotSandboxOptions;
  /** Batching, retries and concurrency of the change webhooks (targets are set later). */
  events?: SandboxEventsOptions;
  /** The app's secrets the CRMs sign panel requests with (also settable later: `panels.configure`). */
  panels?: PanelSecretsUpdate;
}

export interface SandboxApp {
  app: Express;
  calls: CallCounter;
  faults: FaultPlan;
  salesforce: { store: SalesforceStore; state: SalesforceSandboxState };
  hubspot: { store: HubspotStore; state: HubspotSandboxState };
  /** The change webhooks both CRMs send: `events.configure({ hubspot, salesforce })` to switch them on. */
  events: SandboxEvents;
  /** Canvas signed requests and the hubspot.fetch proxy: `panels.configure({ canvasConsumerSecret, hubspotClientSecret })`. */
  panels: SandboxPanelHosts;
}

/**
 * The sandbox CRM: one Express app emulating the Salesforce and HubSpot API subsets the providers
 * call, seeded from generator records, with deterministic fault injection per run.
 *
 * Salesforce paths start with /services, HubSpot's with /crm, /oauth and /events; the sandbox's own
 * routes (webhook targets, simulated people's actions) with /sandbox, so none clash. Record changes
 * after seeding reach `events`, which POSTs them as each CRM's webhooks once a target is set.
 */
export function createSandboxApp(options: SandboxOptions = {}): SandboxApp {
  const app = express();
  app.disable('x-powered-by');
  const faults = new FaultPlan(options.faults);
  const calls = new CallCounter();
  const store = new SalesforceStore();
  if (options.seed?.salesforce) seedSalesforce(store, options.seed.salesforce);
  const salesforce = salesforceRouter(store, faults, calls, options.salesforce);
  app.use(salesforce.router);
  const hubspot = hubspotRouter(options.seed?.hubspot, faults, calls, options.hubspot);
  app.use(hubspot.router);
  // Listening starts after seeding: seeded records are history, not changes to report.
  const events = new SandboxEvents(options.events);
  events.watchSalesforce(store, salesforce.state.userId);
  events.watchHubspot(hubspot.store);
  const panels = new SandboxPanelHosts(options.panels);
  // Before the event routes: the hubspot.fetch proxy takes bodies up to HubSpot's 1 MB.
  app.use(
    panelHostRoutes({
      panels,
      salesforce: { store, state: salesforce.state },
      hubspot: { store: hubspot.store },
      manifest: loadManifest(),
      now: options.hubspot?.now ?? Date.now,
    }),
  );
  app.use(
    sandboxEventRoutes({
      events,
      salesforce: store,
      hubspot: hubspot.store,
      now: options.hubspot?.now ?? Date.now,
    }),
  );
  return {
    app,
    calls,
    faults,
    salesforce: { store, state: salesforce.state },
    hubspot: { store: hubspot.store, state: hubspot.state },
    events,
    panels,
  };
}
