import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Electron loads the page from file:// and the e2e tests from a static server, so every URL
// in the output is relative (base './'). Vite gives the config its own folder as
// import.meta.dirname, which keeps this file free of node:path (renderer/ lints as DOM code).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    // Small assets may be inlined as data: URIs (the CSP's img-src allows them); nothing else is.
    assetsInlineLimit: 4096,
  },
});
