export { type OpsOptions, opsRouter } from './ops-router.ts';
export { bullmqQueueInspector, type QueueInspector } from './queue-inspector.ts';
export { requestLogger } from './request-logger.ts';
