import type { HubspotStore } from '../hubspot/hubspot-store.ts';
import type { SalesforceStore } from '../salesforce/salesforce-store.ts';
import { BatchWindow } from './batch-window.ts';
import {
  describeIssues,
  type EventTargets,
  type EventTargetsUpdate,
  eventTargetsUpdateSchema,
} from './event-targets.ts';
import { type HubspotEventInput, hubspotEventInputs } from './hubspot-change-filter.ts';
import {
  defaultHubspotSubscriptions,
  type HubspotSubscription,
  numberSubscriptions,
} from './hubspot-subscriptions.ts';
import {
  type HubspotEventDraft,
  hubspotBatchSize,
  hubspotRequest,
  nextHubspotEventId,
} from './hubspot-webhook.ts';
import { salesforceWebhookChange } from './salesforce-change-filter.ts';
import {
  newBatchId,
  type SalesforceWebhookChange,
  salesforceBatchSize,
  salesforceRequest,
} from './salesforce-webhook.ts';
import { type DeliveryResult, type RetryPolicy, WebhookPoster } from './webhook-poster.ts';

/**
 * The sandbox CRM's outgoing webhooks: record changes become HubSpot webhook batches and the managed
 * package's Salesforce change POSTs, sent to the targets LeadScore set at install time.
 */

export interface SandboxEventsOptions {
  /** How long a partial batch waits for more changes (default 50 ms). */
  batchWindowMs?: number;
  /** POSTs in flight at once, per provider (default 10, HubSpot's default maxConcurrentRequests). */
  maxConcurrentPosts?: number;
  /** An answer slower than this is a failure (default 5,000 ms, as HubSpot counts it). */
  timeoutMs?: number;
  /** Default: 10 attempts, 250 ms doubling up to 10 s (HubSpot spreads them over a day). */
  hubspotRetry?: Partial<RetryPolicy>;
  /** Default: 3 attempts, 500 ms doubling (the Queueable re-enqueues itself a few times). */
  salesforceRetry?: Partial<RetryPolicy>;
  now?: () => number;
}

export interface ProviderEventCounters {
  /** Events accepted for delivery (a target was set). */
  queued: number;
  /** Events delivered with a 2xx. */
  sent: number;
  /** HTTP POSTs made, retries included. */
  posts: number;
  /** POSTs that were retries of an earlier attempt. */
  retried: number;
  /** Events given up: a 4xx other than 429, or every attempt failed. */
  failed: number;
  /** Events discarded unsent at shutdown. */
  dropped: number;
  /** Per delivered event, milliseconds from the change to the 2xx answer. */
  sendTimesMs: number[];
}

export interface EventStats {
  hubspot: ProviderEventCounters;
  salesforce: ProviderEventCounters;
  /**
   * Changes made while their CRM had no target, so nothing was sent: Salesforce changes the trigger
   * would have reported, HubSpot changes not made by the app itself.
   */
  ignored: number;
}

/** Thrown by configure() with every problem of the targets named. */
export class EventTargetsError extends Error {
  override readonly name = 'EventTargetsError';
}

const sendTimesKept = 100_000;

function counters(): ProviderEventCounters {
  return { queued: 0, sent: 0, posts: 0, retried: 0, failed: 0, dropped: 0, sendTimesMs: [] };
}

interface Queued<T> {
  item: T;
  changedAt: number;
}

export class SandboxEvents {
  private targetState: EventTargets = { hubspot: null, salesforce: null };
  private subscriptions: HubspotSubscription[] = [];
  private counts: EventStats = { hubspot: counters(), salesforce: counters(), ignored: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly now: () => number;
  private readonly hubspotRetry: RetryPolicy;
  private readonly salesforceRetry: RetryPolicy;
  private readonly hubspotPoster: WebhookPoster;
  private readonly salesforcePoster: WebhookPoster;
  private readonly hubspotBatch: BatchWindow<Queued<HubspotEventDraft>>;
  private readonly salesforceBatch: BatchWindow<Queued<SalesforceWebhookChange>>;
  private readonly batchWindowMs: number;
  private closed = false;

  constructor(options: SandboxEventsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.batchWindowMs = options.batchWindowMs ?? 50;
    this.hubspotRetry = { maxAttempts: 10, baseDelayMs: 250, maxDelayMs: 10_000, ...options.hubspotRetry };
    this.salesforceRetry = {
      maxAttempts: 3,
      baseDelayMs: 500,
      maxDelayMs: 5_000,
      ...options.salesforceRetry,
    };
    const poster = { maxConcurrent: options.maxConcurrentPosts ?? 10, timeoutMs: options.timeoutMs ?? 5_000 };
    this.hubspotPoster = new WebhookPoster(poster);
    this.salesforcePoster = new WebhookPoster(poster);
    this.hubspotBatch = new BatchWindow(hubspotBatchSize, this.batchWindowMs, (batch) =>
      this.track(this.sendHubspot(batch)),
    );
    this.salesforceBatch = new BatchWindow(salesforceBatchSize, this.batchWindowMs, (batch) =>
      this.track(this.sendSalesforce(batch)),
    );
  }

  /**
   * Sets, replaces (a target given) or removes (null) the targets; absent ones stay. Throws
   * EventTargetsError naming each bad field. Returns the targets now set, without secrets.
   */
  configure(update: EventTargetsUpdate | unknown): ReturnType<SandboxEvents['targets']> {
    const parsed = eventTargetsUpdateSchema.safeParse(update);
    if (!parsed.success)
      throw new EventTargetsError(`invalid event targets: ${describeIssues(parsed.error)}`);
    const { hubspot, salesforce } = parsed.data;
    if (hubspot !== undefined) {
      this.targetState.hubspot = hubspot;
      this.subscriptions = hubspot
        ? numberSubscriptions(hubspot.subscriptions ?? defaultHubspotSubscriptions())
        : [];
    }
    if (salesforce !== undefined) this.targetState.salesforce = salesforce;
    return this.targets();
  }

  /** The targets set, secrets left out. */
  targets(): {
    hubspot: { url: string; appId: number; portalId: number; subscriptions: HubspotSubscription[] } | null;
    salesforce: { url: string; orgId: string } | null;
  } {
    const { hubspot, salesforce } = this.targetState;
    return {
      hubspot: hubspot
        ? {
            url: hubspot.url,
            appId: hubspot.appId,
            portalId: hubspot.portalId,
            subscriptions: this.subscriptions,
          }
        : null,
      salesforce: salesforce ? { url: salesforce.url, orgId: salesforce.orgId } : null,
    };
  }

  /** Sends the trigger's change POSTs for this org's record changes; returns the unsubscribe. */
  watchSalesforce(store: SalesforceStore, integrationUserId: string): () => void {
    const stop = store.onChange((change) => {
      const webhookChange = salesforceWebhookChange(change, integrationUserId);
      if (webhookChange) this.enqueueSalesforce(webhookChange);
    });
    this.unsubscribers.push(stop);
    return stop;
  }

  /** Sends the app's subscribed webhook events for this portal's object changes; returns the unsubscribe. */
  watchHubspot(store: HubspotStore): () => void {
    const stop = store.onChange((change) => {
      // Subscriptions come with the target: without one, nothing is worked out or sent.
      if (!this.targetState.hubspot) {
        if (change.source !== 'INTEGRATION') this.counts.ignored += 1;
        return;
      }
      for (const input of hubspotEventInputs(change, this.subscriptions, this.now()))
        this.enqueueHubspot(input);
    });
    this.unsubscribers.push(stop);
    return stop;
  }

  /** Queues one Salesforce change; false (nothing sent) when no Salesforce target is set or after close. */
  enqueueSalesforce(change: SalesforceWebhookChange): boolean {
    if (this.closed || !this.targetState.salesforce) {
      this.counts.ignored += 1;
      return false;
    }
    this.counts.salesforce.queued += 1;
    this.salesforceBatch.add({ item: change, changedAt: this.now() });
    return true;
  }

  /** Queues one HubSpot event (its eventId is given here); false when no HubSpot target is set or after close. */
  enqueueHubspot(input: HubspotEventInput): boolean {
    if (this.closed || !this.targetState.hubspot) {
      this.counts.ignored += 1;
      return false;
    }
    this.counts.hubspot.queued += 1;
    this.hubspotBatch.add({ item: { ...input, eventId: nextHubspotEventId() }, changedAt: this.now() });
    return true;
  }

  /** Sends every partial batch now rather than at the end of its window. */
  flush(): void {
    this.hubspotBatch.flush();
    this.salesforceBatch.flush();
  }

  /** Resolves once nothing is waiting in a batch window and every delivery has ended. */
  async idle(): Promise<void> {
    while (this.hubspotBatch.size > 0 || this.salesforceBatch.size > 0 || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, this.batchWindowMs));
    }
  }

  stats(): EventStats {
    const copy = (c: ProviderEventCounters) => ({ ...c, sendTimesMs: [...c.sendTimesMs] });
    return {
      hubspot: copy(this.counts.hubspot),
      salesforce: copy(this.counts.salesforce),
      ignored: this.counts.ignored,
    };
  }

  resetStats(): void {
    this.counts = { hubspot: counters(), salesforce: counters(), ignored: 0 };
  }

  /** Stops listening, drops what is queued, cancels retries and aborts POSTs in flight. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.unsubscribers.splice(0)) stop();
    this.counts.hubspot.dropped += this.hubspotBatch.close();
    this.counts.salesforce.dropped += this.salesforceBatch.close();
    this.hubspotPoster.close();
    this.salesforcePoster.close();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async sendHubspot(batch: Queued<HubspotEventDraft>[]): Promise<void> {
    const target = this.targetState.hubspot;
    const count = this.counts.hubspot;
    if (!target) {
      count.dropped += batch.length;
      return;
    }
    const drafts = batch.map((queued) => queued.item);
    const result = await this.hubspotPoster.deliver(
      (attempt) => hubspotRequest(target, drafts, attempt, this.now()),
      this.hubspotRetry,
      (attempt) => this.countAttempt(count, attempt),
    );
    this.settle(count, batch, result);
  }

  private async sendSalesforce(batch: Queued<SalesforceWebhookChange>[]): Promise<void> {
    const target = this.targetState.salesforce;
    const count = this.counts.salesforce;
    if (!target) {
      count.dropped += batch.length;
      return;
    }
    // One body for every attempt: the batchId stays, so the server can drop a retried duplicate.
    const body = JSON.stringify({ batchId: newBatchId(), changes: batch.map((queued) => queued.item) });
    const result = await this.salesforcePoster.deliver(
      () => salesforceRequest(target, body, this.now()),
      this.salesforceRetry,
      (attempt) => this.countAttempt(count, attempt),
    );
    this.settle(count, batch, result);
  }

  private countAttempt(count: ProviderEventCounters, attempt: number): void {
    count.posts += 1;
    if (attempt > 0) count.retried += 1;
  }

  private settle(count: ProviderEventCounters, batch: Queued<unknown>[], result: DeliveryResult): void {
    if (result.outcome === 'cancelled') {
      count.dropped += batch.length;
      return;
    }
    if (result.outcome !== 'delivered') {
      count.failed += batch.length;
      return;
    }
    count.sent += batch.length;
    const at = this.now();
    for (const queued of batch) {
      if (count.sendTimesMs.length < sendTimesKept) count.sendTimesMs.push(at - queued.changedAt);
    }
  }
}
