import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web panel. The server serves `dist/assets/*` at `/panel/assets/*` and renders `dist/index.html`
 * with the bootstrap inserted before `</head>`, under `default-src 'self'`: so no inline script or
 * style in the output, every asset a file, no source maps published.
 */
export default defineConfig({
  root,
  base: '/panel/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Never inline assets as data: URLs (images, fonts) or CSS into JS: everything is a file.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: {
    fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] },
  },
});
