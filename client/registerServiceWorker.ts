/** Only in a built app: in `vite dev` a service worker would serve stale modules. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  navigator.serviceWorker.register('/sw.js').catch((error) => {
    console.warn('Samenbord: offline support is not available', error)
  })
}
