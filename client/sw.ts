/**
 * Service worker: keeps the app itself (HTML, JS, CSS, fonts, icons, favicon) on the device, so that a
 * board reloads while offline; the board's content comes from IndexedDB. Websocket traffic and
 * API calls are never touched.
 */

// The DOM lib is in scope for the whole client; only the few worker types we use are declared.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  request: Request
  respondWith(response: Promise<Response>): void
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  skipWaiting(): Promise<void>
  clients: { claim(): Promise<void> }
  location: Location
}
const worker = globalThis as unknown as WorkerScope

const CACHE = 'samenbord-app-v1'
/** Written by the build (see vite.config.ts): every file of this build. */
const MANIFEST_URL = '/precache-manifest.json'
const APP_SHELL = '/index.html'
/** Files a page loads besides the build's hashed assets (client/public): fresh when online, kept for offline. */
const UNHASHED_FILES = ['/favicon.svg']

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      const files: string[] = await (await fetch(MANIFEST_URL, { cache: 'no-store' })).json()
      await cache.addAll([APP_SHELL, ...UNHASHED_FILES, ...files.map((f) => '/' + f)])
      await worker.skipWaiting()
    })(),
  )
})

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key)
      await worker.clients.claim()
    })(),
  )
})

worker.addEventListener('fetch', (event) => {
  const { request } = event
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return
  if (url.pathname.startsWith('/sync') || url.pathname.startsWith('/api') || url.pathname === '/healthz') return
  if (request.mode === 'navigate') {
    // Fresh HTML when online (a new build), the kept copy when not.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(APP_SHELL)) ?? Response.error()),
    )
    return
  }
  if (UNHASHED_FILES.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(async () => (await caches.match(request)) ?? Response.error()))
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed names never change content: the cache is always right.
    event.respondWith(
      (async () => {
        const hit = await caches.match(request)
        if (hit) return hit
        const response = await fetch(request)
        if (response.ok) (await caches.open(CACHE)).put(request, response.clone())
        return response
      })(),
    )
  }
})

export {}
