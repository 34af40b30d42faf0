import { z } from 'zod';

// The panel's pages run under `default-src 'self'`, without 'unsafe-eval': zod's compiled object
// parsers need `new Function`, and even probing for it reports a CSP violation. Object schemas read
// this setting when they are built, so main.tsx imports this module before any other.
z.config({ jitless: true });
