import { DEFAULT_MAX_ASSET_BYTES } from '../protocol/assets'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/limits'
import { PAGE_CONFIG_ELEMENT_ID, type PageConfig } from '../protocol/pageConfig'

/**
 * What the server put into index.html at run time (protocol/pageConfig.ts). The dev server and
 * old cached pages have none: then the build-time values and the page's own address count.
 */
export function pageConfig(): PageConfig {
  const fallback: PageConfig = { publicUrl: null, tldrawLicenseKey: null, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxAssetBytes: DEFAULT_MAX_ASSET_BYTES }
  const element = document.getElementById(PAGE_CONFIG_ELEMENT_ID)
  if (!element?.textContent) return fallback
  try {
    return { ...fallback, ...(JSON.parse(element.textContent) as Partial<PageConfig>) }
  } catch {
    return fallback
  }
}

/** The tldraw licence key: the server's (TLDRAW_LICENSE_KEY), else the one the client was built with. */
export function tldrawLicenseKey(): string | undefined {
  return pageConfig().tldrawLicenseKey ?? (import.meta.env.VITE_TLDRAW_LICENSE_KEY as string | undefined) ?? undefined
}

/** Where links and the QR code point: PUBLIC_URL, else the address this page was opened on. */
export function publicOrigin(): string {
  return pageConfig().publicUrl ?? location.origin
}
