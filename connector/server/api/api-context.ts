import express, { type RequestHandler } from 'express';
import { AlertsRepository } from '../../../shared/store/alerts.repository.ts';
import { ModelsRepository } from '../../../shared/store/models.repository.ts';
import { ScoresRepository } from '../../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../../shared/store/settings.repository.ts';
import { SettingsAuditRepository } from '../../../shared/store/settings-audit.repository.ts';
import { SyncHygieneRepository } from '../../../shared/store/sync-hygiene.repository.ts';
import { ModelRegistry } from '../../../worker/modelling/registry.ts';
import type { ServerDependencies } from '../server-dependencies.ts';

/** Request bodies of the panel API are small JSON objects: anything bigger is refused with 413. */
export const BODY_LIMIT = '100kb';

/** The repositories every API router reads, built once over the server's Redis client. */
export interface ApiContext {
  deps: ServerDependencies;
  scores: ScoresRepository;
  models: ModelsRepository;
  registry: ModelRegistry;
  settings: SettingsRepository;
  audit: SettingsAuditRepository;
  alerts: AlertsRepository;
  hygiene: SyncHygieneRepository;
}

export function apiContext(deps: ServerDependencies): ApiContext {
  const models = new ModelsRepository(deps.redis);
  const alerts = new AlertsRepository(deps.redis);
  return {
    deps,
    scores: new ScoresRepository(deps.redis),
    models,
    registry: new ModelRegistry({ models, alerts }, { now: () => new Date(deps.now()) }),
    settings: new SettingsRepository(deps.redis),
    audit: new SettingsAuditRepository(deps.redis),
    alerts,
    hygiene: new SyncHygieneRepository(deps.redis),
  };
}

/** Each router parses its own JSON bodies (webhooks elsewhere need the raw body). */
export function jsonBody(): RequestHandler {
  return express.json({ limit: BODY_LIMIT, strict: true });
}
