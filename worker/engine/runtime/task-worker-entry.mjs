// Worker threads do not inherit the TypeScript loader of a test runner, so register tsx here before
// loading the worker's TypeScript module; under `tsx` itself registering again is harmless.
import { register } from 'tsx/esm/api';

register();
await import('./task-worker.ts');
