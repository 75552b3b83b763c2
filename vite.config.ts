import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

/** Lists every built file for the service worker, which keeps them for offline use. */
function precacheManifest(): Plugin {
  return {
    name: 'samenbord-precache-manifest',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f.startsWith('assets/'))
      this.emitFile({ type: 'asset', fileName: 'precache-manifest.json', source: JSON.stringify(files) })
    },
  }
}

// The client lives in client/; the server serves the built files from dist/.
export default defineConfig({
  root: 'client',
  plugins: [react(), precacheManifest()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    // No data: URLs: tldraw fetches its translations, and our CSP allows fetches from 'self' only.
    assetsInlineLimit: 0,
    rollupOptions: {
      input: { main: 'client/index.html', sw: 'client/sw.ts' },
      output: {
        // The service worker must keep a fixed name at the root to control every page.
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { proxy: { '/sync': { target: 'ws://localhost:1234', ws: true } } },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and server tests share two cores; run files one after another.
    fileParallelism: false,
  },
})
