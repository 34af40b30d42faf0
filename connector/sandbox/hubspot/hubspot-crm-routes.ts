import type { Request, Response, Router } from 'express';
import type { FaultPlan } from '../faults.ts';
import { hubspotError } from './hubspot-responses.ts';
import type { HubspotStore, StoredObject } from './hubspot-store.ts';

const searchCap = 10_000;

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
}

function stamp(now: () => number) {
  const at = new Date(now()).toISOString();
  return { startedAt: at, completedAt: at };
}

/** A property value comparable in filters and sorts: dates as epoch ms, numbers as numbers. */
function comparable(value: string | null | undefined): number | string | null {
  if (value === null || value === undefined || value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? value : date;
}

function matches(object: StoredObject, filter: Filter): boolean {
  const left = comparable(object.properties[filter.propertyName]);
  const right = comparable(filter.value);
  if (filter.operator === 'HAS_PROPERTY') return left !== null;
  if (filter.operator === 'NOT_HAS_PROPERTY') return left === null;
  if (left === null || right === null) return false;
  switch (filter.operator) {
    case 'EQ':
      return left === right;
    case 'NEQ':
      return left !== right;
    case 'GT':
      return left > right;
    case 'GTE':
      return left >= right;
    case 'LT':
      return left < right;
    case 'LTE':
      return left <= right;
    default:
      return false;
  }
}

function project(object: StoredObject, properties: string[] | undefined) {
  const wanted = properties && properties.length > 0 ? properties : ['createdate', 'lastmodifieddate'];
  const out: Record<string, string | null> = { hs_object_id: object.id };
  for (const name of wanted) out[name] = object.properties[name] ?? null;
  return {
    id: object.id,
    properties: out,
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: object.archived,
    ...(object.archivedAt ? { archivedAt: object.archivedAt } : {}),
  };
}

interface SortedEntry {
  object: StoredObject;
  key: number | string;
}

/** Unarchived objects in sort order, each sort key computed once rather than on every comparison. */
function sortedObjects(objects: Map<string, StoredObject>, sortName: string, descending: boolean) {
  const entries: SortedEntry[] = [];
  for (const object of objects.values()) {
    if (!object.archived) entries.push({ object, key: comparable(object.properties[sortName]) ?? 0 });
  }
  entries.sort((a, b) => {
    const order = a.key < b.key ? -1 : a.key > b.key ? 1 : Number(a.object.id) - Number(b.object.id);
    return descending ? -order : order;
  });
  return { entries, numeric: entries.every((entry) => typeof entry.key === 'number') };
}

/** The smallest value every group requires of the sort property (`GTE`/`GT`), or null. */
function lowerBound(groups: { filters: Filter[] }[], sortName: string): number | null {
  let lowest: number | null = null;
  for (const group of groups) {
    const bounds = group.filters
      .filter(
        (filter) =>
          filter.propertyName === sortName && (filter.operator === 'GTE' || filter.operator === 'GT'),
      )
      .map((filter) => comparable(filter.value));
    const bound = bounds.find((value): value is number => typeof value === 'number');
    if (bound === undefined) return null;
    lowest = lowest === null ? bound : Math.min(lowest, bound);
  }
  return lowest;
}

/**
 * Every unarchived object matching any filter group, in sort order. The sort is kept by the store
 * across queries, and a window that starts at a sort value (`lastmodifieddate >= W`, as a long
 * stream moves its window past the 10,000-result cap) starts there by binary search instead of
 * filtering the objects before it.
 */
function searchMatches(
  store: HubspotStore,
  type: string,
  groups: { filters: Filter[] }[],
  sortName: string | undefined,
  descending: boolean,
): StoredObject[] {
  const wanted = (object: StoredObject) =>
    groups.length === 0 || groups.some((group) => group.filters.every((filter) => matches(object, filter)));
  if (!sortName)
    return [...store.typeMap(type).values()].filter((object) => !object.archived && wanted(object));
  const sorted = store.view(`sorted ${JSON.stringify({ type, sortName, descending })}`, () =>
    sortedObjects(store.typeMap(type), sortName, descending),
  );
  let from = 0;
  const bound = descending || !sorted.numeric || groups.length === 0 ? null : lowerBound(groups, sortName);
  if (bound !== null) {
    let high = sorted.entries.length;
    while (from < high) {
      const middle = (from + high) >>> 1;
      if ((sorted.entries[middle].key as number) < bound) from = middle + 1;
      else high = middle;
    }
  }
  const result: StoredObject[] = [];
  for (let index = from; index < sorted.entries.length; index += 1) {
    const { object } = sorted.entries[index];
    if (wanted(object)) result.push(object);
  }
  return result;
}

function mountSearch(router: Router, store: HubspotStore) {
  router.post('/crm/v3/objects/:type/search', (request: Request, response: Response) => {
    const body = request.body as {
      filterGroups?: { filters: Filter[] }[];
      sorts?: ({ propertyName: string; direction?: string } | string)[];
      properties?: string[];
      limit?: number;
      after?: string;
    };
    const limit = body.limit ?? 10;
    if (limit > 200) return hubspotError(response, 400, 'VALIDATION_ERROR', 'limit must be at most 200');
    const offset = Number(body.after ?? '0');
    if (offset + limit > searchCap) {
      return hubspotError(
        response,
        400,
        'VALIDATION_ERROR',
        'There was a problem with the request. The search endpoints are limited to 10,000 total results for any given query.',
      );
    }
    const groups = body.filterGroups ?? [];
    const filterCount = groups.reduce((sum, group) => sum + group.filters.length, 0);
    if (groups.length > 5 || filterCount > 18 || groups.some((group) => group.filters.length > 6)) {
      return hubspotError(
        response,
        400,
        'VALIDATION_ERROR',
        `Search allows at most 5 filterGroups, 6 filters per group and 18 filters in all; got ${groups.length} groups and ${filterCount} filters.`,
      );
    }
    const sort = body.sorts?.[0];
    const sortName = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
    const descending = typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
    const type = String(request.params.type);
    const query = JSON.stringify({ type, groups, sortName, descending });
    const all = store.view(`search ${query}`, () => searchMatches(store, type, groups, sortName, descending));
    const results = all.slice(offset, offset + limit).map((object) => project(object, body.properties));
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    response.json({
      total: all.length,
      results,
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    });
  });
}

function mountBatches(router: Router, store: HubspotStore, faults: FaultPlan, now: () => number) {
  router.post('/crm/v3/objects/:type/batch/read', (request: Request, response: Response) => {
    const body = request.body as { inputs?: { id: string }[]; properties?: string[] };
    const inputs = body.inputs ?? [];
    if (inputs.length > 100) return hubspotError(response, 400, 'VALIDATION_ERROR', 'at most 100 inputs');
    const objects = store.typeMap(String(request.params.type));
    const found = inputs
      .map((input) => objects.get(String(input.id)))
      .filter((o) => o !== undefined && !o.archived);
    const missing = inputs
      .map((input) => String(input.id))
      .filter((id) => !objects.get(id) || objects.get(id)?.archived);
    const results = (found as StoredObject[]).map((object) => project(object, body.properties));
    if (missing.length === 0) return response.json({ status: 'COMPLETE', results, ...stamp(now) });
    response.status(207).json({
      status: 'COMPLETE',
      results,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${String(request.params.type).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        },
      ],
      ...stamp(now),
    });
  });

  router.post('/crm/v3/objects/contacts/batch/update', (request: Request, response: Response) => {
    const inputs = ((request.body as { inputs?: unknown[] }).inputs ?? []) as {
      id: string;
      properties: Record<string, string>;
    }[];
    if (inputs.length > 100) return hubspotError(response, 400, 'VALIDATION_ERROR', 'at most 100 inputs');
    if (new Set(inputs.map((input) => input.id)).size !== inputs.length) {
      return hubspotError(response, 400, 'VALIDATION_ERROR', 'Duplicate IDs found in batch input');
    }
    for (const input of inputs) {
      const unknown = Object.keys(input.properties).find((name) => !store.properties.has(name));
      if (unknown) {
        return hubspotError(
          response,
          400,
          'VALIDATION_ERROR',
          `Property values were not valid: [{"isValid":false,"message":"Property \\"${unknown}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${unknown}"}]`,
        );
      }
    }
    const results: ReturnType<typeof project>[] = [];
    const locked: string[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      if (faults.recordLocked(input.id)) {
        locked.push(input.id);
        continue;
      }
      const updated = store.update('contacts', input.id, input.properties, new Date(now()), 'INTEGRATION');
      if (!updated) {
        missing.push(input.id);
        continue;
      }
      store.writes.set(input.id, (store.writes.get(input.id) ?? 0) + 1);
      results.push(project(updated, Object.keys(input.properties)));
    }
    const errors = [
      ...(missing.length > 0
        ? [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message:
                'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
              context: { ids: missing },
            },
          ]
        : []),
      ...(locked.length > 0
        ? [
            {
              status: 'error',
              category: 'LOCKED',
              message: 'The record is being updated by another process.',
              context: { ids: locked },
            },
          ]
        : []),
    ];
    if (errors.length === 0) return response.json({ status: 'COMPLETE', results, ...stamp(now) });
    response
      .status(207)
      .json({ status: 'COMPLETE', results, numErrors: errors.length, errors, ...stamp(now) });
  });

  router.get('/crm/v3/objects/contacts', (request: Request, response: Response) => {
    const archived = request.query.archived === 'true';
    const limit = Math.min(Number(request.query.limit ?? 10), 100);
    const offset = Number(request.query.after ?? 0);
    const all = store.view(`list contacts archived=${archived}`, () =>
      [...store.typeMap('contacts').values()]
        .filter((object) => object.archived === archived)
        .sort((a, b) => Number(a.id) - Number(b.id)),
    );
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    response.json({
      results: all.slice(offset, offset + limit).map((object) => project(object, ['lastmodifieddate'])),
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    });
  });
}

function mountAssociations(router: Router, store: HubspotStore, now: () => number) {
  router.post('/crm/v4/associations/contacts/:toType/batch/read', (request: Request, response: Response) => {
    const inputs = ((request.body as { inputs?: { id: string }[] }).inputs ?? []).map((input) =>
      String(input.id),
    );
    if (inputs.length > 1000) return hubspotError(response, 400, 'VALIDATION_ERROR', 'at most 1000 inputs');
    const toType = String(request.params.toType);
    const typeId = toType === 'deals' ? 4 : 1;
    const results = [];
    const errors = [];
    for (const id of inputs) {
      const targets = store.associated(id, toType);
      if (targets.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          context: { fromObjectId: [id] },
          message: `No ${toType} is associated with contact ${id}.`,
        });
        continue;
      }
      results.push({
        from: { id },
        to: targets.map((target) => ({
          toObjectId: Number(target),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }],
        })),
      });
    }
    if (errors.length === 0) return response.json({ status: 'COMPLETE', results, ...stamp(now) });
    response
      .status(207)
      .json({ status: 'COMPLETE', results, numErrors: errors.length, errors, ...stamp(now) });
  });
}

function mountAdmin(router: Router, store: HubspotStore, now: () => number) {
  router.get('/crm/v3/pipelines/deals', (_request: Request, response: Response) => {
    const at = '2020-01-01T00:00:00.000Z';
    response.json({
      results: store.pipelines.map((pipeline, order) => ({
        id: pipeline.id,
        label: pipeline.label,
        displayOrder: order,
        createdAt: at,
        updatedAt: at,
        archived: false,
        stages: pipeline.stages.map((stage) => ({
          id: stage.id,
          label: stage.label,
          displayOrder: stage.displayOrder,
          metadata: { isClosed: String(stage.isClosed), probability: stage.probability },
          createdAt: at,
          updatedAt: at,
          archived: false,
          writePermissions: 'CRUD_ALL',
        })),
      })),
    });
  });
  router.post('/crm/v3/properties/contacts/groups', (request: Request, response: Response) => {
    const body = request.body as { name: string; label: string; displayOrder?: number };
    if (store.groups.has(body.name)) {
      return hubspotError(
        response,
        409,
        'OBJECT_ALREADY_EXISTS',
        `A property group named '${body.name}' already exists.`,
      );
    }
    store.groups.add(body.name);
    response
      .status(201)
      .json({ name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1, archived: false });
  });
  router.post('/crm/v3/properties/contacts', (request: Request, response: Response) => {
    const body = request.body as {
      name: string;
      label: string;
      type: string;
      fieldType: string;
      groupName: string;
    };
    if (store.properties.has(body.name)) {
      return hubspotError(
        response,
        409,
        'OBJECT_ALREADY_EXISTS',
        `Property named '${body.name}' already exists.`,
      );
    }
    if (!store.groups.has(body.groupName)) {
      return hubspotError(
        response,
        400,
        'VALIDATION_ERROR',
        `Property group '${body.groupName}' does not exist.`,
      );
    }
    const property = { options: [], ...body };
    store.properties.set(body.name, property);
    response.status(201).json({
      ...property,
      createdAt: new Date(now()).toISOString(),
      updatedAt: new Date(now()).toISOString(),
    });
  });
  router.get('/crm/v3/properties/contacts', (_request: Request, response: Response) => {
    response.json({ results: [...store.properties.values()] });
  });
  router.post('/crm/v3/objects/tasks/batch/create', (request: Request, response: Response) => {
    const inputs = ((request.body as { inputs?: unknown[] }).inputs ?? []) as {
      properties: Record<string, string>;
      associations?: { to: { id: string }; types?: { associationTypeId?: number }[] }[];
    }[];
    if (inputs.length > 100) return hubspotError(response, 400, 'VALIDATION_ERROR', 'at most 100 inputs');
    const contacts = store.typeMap('contacts');
    const unknown = inputs.flatMap((input) =>
      (input.associations ?? [])
        .map((association) => String(association.to.id))
        .filter((id) => !contacts.get(id)),
    );
    if (unknown.length > 0) {
      return hubspotError(
        response,
        400,
        'VALIDATION_ERROR',
        `One or more associations are invalid: ${unknown.join(', ')}`,
      );
    }
    const at = new Date(now()).toISOString();
    const results = inputs.map((input) => {
      const id = store.newId();
      const task: StoredObject = {
        id,
        properties: { ...input.properties, hs_object_id: id },
        createdAt: at,
        updatedAt: at,
        archived: false,
      };
      store.put('tasks', task, 'INTEGRATION');
      for (const association of input.associations ?? [])
        store.associate(String(association.to.id), 'tasks', id);
      return project(task, Object.keys(input.properties));
    });
    // HubSpot does not promise results in input order: the sandbox answers them reversed.
    response.status(201).json({ status: 'COMPLETE', results: results.reverse(), ...stamp(now) });
  });
  router.post('/crm/v3/objects/tasks', (request: Request, response: Response) => {
    const body = request.body as {
      properties: Record<string, string>;
      associations?: { to: { id: string } }[];
    };
    const id = store.newId();
    const at = new Date(now()).toISOString();
    const task: StoredObject = {
      id,
      properties: { ...body.properties, hs_object_id: id },
      createdAt: at,
      updatedAt: at,
      archived: false,
    };
    store.put('tasks', task, 'INTEGRATION');
    for (const association of body.associations ?? [])
      store.associate(String(association.to.id), 'tasks', id);
    response.status(201).json(project(task, Object.keys(body.properties)));
  });
}

export function mountCrmRoutes(
  router: Router,
  store: HubspotStore,
  faults: FaultPlan,
  now: () => number,
): void {
  mountSearch(router, store);
  mountBatches(router, store, faults, now);
  mountAssociations(router, store, now);
  mountAdmin(router, store, now);
}
