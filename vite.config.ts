import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

// The client lives in client/; the server serves the built files from dist/.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
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
