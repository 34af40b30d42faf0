import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { HubspotStore } from '../hubspot/hubspot-store.ts';
import { humanUserId, type SalesforceStore } from '../salesforce/salesforce-store.ts';
import {
  type SimulatedActivity,
  simulatedActivitySchema,
  simulatedHubspotContactSchema,
  simulatedSalesforceLeadSchema,
} from './activity-request.ts';
import { describeIssues } from './event-targets.ts';
import { recordHubspotActivity } from './hubspot-activity.ts';
import { recordSalesforceActivity } from './salesforce-activity.ts';
import { EventTargetsError, type SandboxEvents } from './sandbox-events.ts';

/**
 * The sandbox's own routes (under /sandbox, never part of a CRM's API): setting the webhook targets,
 * reading the delivery counters, and acting as a person in the CRM (creating a lead, recording an
 * activity, deleting a record) so that the change webhooks fire, as the demo's buttons do.
 */

export interface SandboxEventRoutesDeps {
  events: SandboxEvents;
  salesforce: SalesforceStore;
  hubspot: HubspotStore;
  /** The HubSpot portal's clock. */
  now: () => number;
}

function fail(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ error: { code, message } });
}

/** The parsed body, or undefined once a 400 naming the bad fields was sent. */
function parsed<T extends z.ZodType>(
  schema: T,
  request: Request,
  response: Response,
): z.infer<T> | undefined {
  const result = schema.safeParse(request.body ?? {});
  if (result.success) return result.data;
  fail(response, 400, 'INVALID_BODY', describeIssues(result.error));
  return undefined;
}

function activityOf(body: z.infer<typeof simulatedActivitySchema>, now: number): SimulatedActivity {
  return {
    type: body.type,
    at: new Date(body.at ? Date.parse(body.at) : now).toISOString(),
    detail: body.detail ?? null,
  };
}

function mountTargets(router: Router, events: SandboxEvents): void {
  router.post('/sandbox/events/targets', (request, response) => {
    try {
      response.json({ targets: events.configure(request.body ?? {}) });
    } catch (error) {
      if (!(error instanceof EventTargetsError)) throw error;
      fail(response, 400, 'INVALID_TARGETS', error.message);
    }
  });
  router.get('/sandbox/events/targets', (_request, response) => {
    response.json({ targets: events.targets() });
  });
  router.get('/sandbox/events/stats', (_request, response) => {
    response.json(events.stats());
  });
}

function mountSalesforce(router: Router, store: SalesforceStore): void {
  const person = (request: Request, response: Response) => {
    const id = String(request.params.id);
    const object = store.objectOf(id);
    const record = object === 'Lead' || object === 'Contact' ? store.get(id) : undefined;
    if (!record) fail(response, 404, 'NOT_FOUND', `no Lead or Contact with id ${id} in the sandbox org`);
    return record;
  };
  router.post('/sandbox/salesforce/leads', (request, response) => {
    const body = parsed(simulatedSalesforceLeadSchema, request, response);
    if (!body) return;
    const id = store.newId('Lead');
    const stamp = store.stamp();
    store.put('Lead', {
      Id: id,
      FirstName: body.FirstName ?? null,
      LastName: body.LastName,
      Email: body.Email ?? null,
      Title: body.Title ?? null,
      LeadSource: body.LeadSource ?? null,
      HasOptedOutOfEmail: false,
      OwnerId: humanUserId,
      Company: body.Company,
      Website: null,
      Industry: body.Industry ?? null,
      NumberOfEmployees: body.NumberOfEmployees ?? null,
      AnnualRevenue: null,
      Country: body.Country ?? null,
      Status: body.Status,
      IsConverted: false,
      ConvertedDate: null,
      ConvertedAccountId: null,
      ConvertedOpportunityId: null,
      CreatedDate: stamp,
      CreatedById: humanUserId,
      LastModifiedDate: stamp,
      LastModifiedById: humanUserId,
      SystemModstamp: stamp,
    });
    response.status(201).json({ id, object: 'Lead' });
  });
  router.post('/sandbox/salesforce/leads/:id/activities', (request, response) => {
    const body = parsed(simulatedActivitySchema, request, response);
    if (!body) return;
    const record = person(request, response);
    if (!record) return;
    const activity = activityOf(body, store.now());
    const written = recordSalesforceActivity(store, record, activity);
    response.status(201).json({ leadId: record.Id, activity, record: written });
  });
  router.delete('/sandbox/salesforce/leads/:id', (request, response) => {
    const record = person(request, response);
    if (!record) return;
    store.delete(record.Id);
    response.status(204).end();
  });
}

function mountHubspot(router: Router, store: HubspotStore, now: () => number): void {
  const contact = (request: Request, response: Response) => {
    const id = String(request.params.id);
    const found = store.typeMap('contacts').get(id);
    if (!found || found.archived) {
      fail(response, 404, 'NOT_FOUND', `no contact with id ${id} in the sandbox portal`);
      return undefined;
    }
    return found;
  };
  router.post('/sandbox/hubspot/contacts', (request, response) => {
    const body = parsed(simulatedHubspotContactSchema, request, response);
    if (!body) return;
    const id = store.newId();
    const stamp = new Date(now()).toISOString();
    const properties: Record<string, string | null> = {
      hs_object_id: id,
      createdate: stamp,
      lastmodifieddate: stamp,
    };
    for (const [name, value] of Object.entries(body)) if (value !== undefined) properties[name] = value;
    store.put('contacts', { id, properties, createdAt: stamp, updatedAt: stamp, archived: false });
    response.status(201).json({ id });
  });
  router.post('/sandbox/hubspot/contacts/:id/activities', (request, response) => {
    const body = parsed(simulatedActivitySchema, request, response);
    if (!body) return;
    const found = contact(request, response);
    if (!found) return;
    const activity = activityOf(body, now());
    const written = recordHubspotActivity(store, found, activity, new Date(now()));
    response.status(201).json({ contactId: found.id, activity, record: written });
  });
  router.delete('/sandbox/hubspot/contacts/:id', (request, response) => {
    const found = contact(request, response);
    if (!found) return;
    if (request.query.privacy === 'true') {
      // A GDPR deletion removes the contact for good; HubSpot reports it as privacyDeletion.
      store.typeMap('contacts').delete(found.id);
      store.changed();
      store.emitChange({
        type: 'contacts',
        change: 'privacyDeletion',
        object: found,
        properties: [],
        source: 'CRM_UI',
      });
    } else store.archive('contacts', found.id, new Date(now()));
    response.status(204).end();
  });
}

export function sandboxEventRoutes(deps: SandboxEventRoutesDeps): Router {
  const router = express.Router();
  router.use('/sandbox', express.json({ limit: '64kb' }));
  mountTargets(router, deps.events);
  mountSalesforce(router, deps.salesforce);
  mountHubspot(router, deps.hubspot, deps.now);
  // Bodies that are not JSON, too large or anything unexpected: a short answer, never a stack.
  router.use('/sandbox', (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = status === 413 ? 'body is larger than 64 KB' : 'body must be valid JSON';
      return fail(response, status, status === 413 ? 'BODY_TOO_LARGE' : 'INVALID_JSON', message);
    }
    fail(response, 500, 'INTERNAL', 'the sandbox could not handle this request');
  });
  return router;
}
