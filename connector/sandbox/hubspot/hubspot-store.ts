/** In-memory HubSpot portal: CRM objects, v4 associations, pipelines, properties and OAuth tokens. */

export interface StoredObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface StoredProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description?: string;
  options: { label: string; value: string; displayOrder?: number; hidden?: boolean }[];
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  isClosed: boolean;
  probability: string;
}

/** A web analytics event (page view, form submission) of one contact, as the events API lists it. */
export interface StoredWebEvent {
  id: string;
  eventType: string;
  objectId: string;
  occurredAt: string;
  properties: Record<string, string>;
}

/**
 * One write to a portal object, for the sandbox's webhooks. `source` is HubSpot's changeSource:
 * writes through the API are 'INTEGRATION'; people and simulated activity default to 'CRM_UI'.
 */
export interface HubspotObjectChange {
  type: string;
  change: 'creation' | 'propertyChange' | 'deletion' | 'privacyDeletion';
  object: StoredObject;
  /** Properties whose value the write changed (all set ones for a creation). */
  properties: string[];
  source: string;
}

export class HubspotStore {
  /** Called after every creation, property change and archive made through this class. */
  readonly changeListeners = new Set<(change: HubspotObjectChange) => void>();
  /** Web analytics events in the order they were recorded (Enterprise portals). */
  readonly webEvents: StoredWebEvent[] = [];
  /** Objects by type (contacts, emails, meetings, calls, notes, tasks, deals), then id. */
  readonly objects = new Map<string, Map<string, StoredObject>>();
  /** contact id → associated object ids, by associated type. */
  readonly associations = new Map<string, Map<string, string[]>>();
  readonly properties = new Map<string, StoredProperty>();
  readonly groups = new Set<string>();
  readonly pipelines: { id: string; label: string; stages: PipelineStage[] }[] = [
    {
      id: 'default',
      label: 'Sales Pipeline',
      stages: [
        {
          id: 'appointmentscheduled',
          label: 'Appointment Scheduled',
          displayOrder: 0,
          isClosed: false,
          probability: '0.2',
        },
        { id: 'contractsent', label: 'Contract Sent', displayOrder: 1, isClosed: false, probability: '0.9' },
        { id: 'closedwon', label: 'Closed Won', displayOrder: 2, isClosed: true, probability: '1.0' },
        { id: 'closedlost', label: 'Closed Lost', displayOrder: 3, isClosed: true, probability: '0.0' },
      ],
    },
  ];
  /** Score writes per contact id, so tests can check every score landed exactly once. */
  readonly writes = new Map<string, number>();
  private nextId = 700_000_000;
  /** Bumped by every write through this class; keys the derived views below. */
  private revision = 0;
  /** Derived views (a search's sorted matches, a filtered event list) valid while nothing changes. */
  private readonly views = new Map<string, { fingerprint: string; value: unknown }>();

  constructor(readonly portalId = 2431623) {
    for (const name of ['email', 'firstname', 'lastname', 'company', 'lifecyclestage', 'lastmodifieddate']) {
      this.properties.set(name, {
        name,
        label: name,
        type: 'string',
        fieldType: 'text',
        groupName: 'contactinformation',
        options: [],
      });
    }
  }

  typeMap(type: string): Map<string, StoredObject> {
    let map = this.objects.get(type);
    if (!map) {
      map = new Map();
      this.objects.set(type, map);
    }
    return map;
  }

  /** Marks the portal as changed, for writers that edit objects in place (the seed). */
  changed(): void {
    this.revision += 1;
  }

  /**
   * A view computed from the portal's data, recomputed only after a change. Paging through a search
   * or an event listing then costs one filter and sort per query, not one per page. Writes through
   * put, update, archive or changed() invalidate it; the sizes guard against direct Map inserts.
   */
  view<T>(key: string, compute: () => T): T {
    const sizes = [...this.objects.values()].map((map) => map.size).join(',');
    const fingerprint = `${this.revision}|${this.webEvents.length}|${sizes}`;
    const cached = this.views.get(key);
    if (cached?.fingerprint === fingerprint) return cached.value as T;
    const value = compute();
    this.views.set(key, { fingerprint, value });
    // Each distinct query keeps one view; a long-running sandbox should not keep them all.
    if (this.views.size > 64) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
    return value;
  }

  newId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  put(type: string, object: StoredObject, source = 'CRM_UI'): void {
    const existed = this.typeMap(type).has(object.id);
    this.typeMap(type).set(object.id, object);
    this.revision += 1;
    const properties = Object.keys(object.properties).filter((name) => object.properties[name] !== null);
    this.emitChange({ type, change: existed ? 'propertyChange' : 'creation', object, properties, source });
  }

  /** Subscribes to object changes; returns the unsubscribe. */
  onChange(listener: (change: HubspotObjectChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Tells listeners of a change made outside put, update and archive (a privacy deletion). */
  emitChange(change: HubspotObjectChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  associate(contactId: string, toType: string, toId: string): void {
    let byContact = this.associations.get(toType);
    if (!byContact) {
      byContact = new Map();
      this.associations.set(toType, byContact);
    }
    const list = byContact.get(contactId) ?? [];
    list.push(toId);
    byContact.set(contactId, list);
  }

  associated(contactId: string, toType: string): string[] {
    return this.associations.get(toType)?.get(contactId) ?? [];
  }

  /** Sets properties as HubSpot does: lastmodifieddate moves to the time of the write. */
  update(
    type: string,
    id: string,
    properties: Record<string, string>,
    now: Date,
    source = 'CRM_UI',
  ): StoredObject | undefined {
    const object = this.typeMap(type).get(id);
    if (!object || object.archived) return undefined;
    const changed = Object.keys(properties).filter((name) => object.properties[name] !== properties[name]);
    Object.assign(object.properties, properties);
    this.revision += 1;
    const stamp = now.toISOString();
    object.updatedAt = stamp;
    if (type === 'contacts') object.properties.lastmodifieddate = stamp;
    else object.properties.hs_lastmodifieddate = stamp;
    this.emitChange({ type, change: 'propertyChange', object, properties: changed, source });
    return object;
  }

  archive(type: string, id: string, now: Date, source = 'CRM_UI'): void {
    const object = this.typeMap(type).get(id);
    if (!object) return;
    object.archived = true;
    this.revision += 1;
    object.archivedAt = now.toISOString();
    this.emitChange({ type, change: 'deletion', object, properties: [], source });
  }
}
