/**
 * What the server tells the page at run time, in the served index.html: a built copy of the
 * client needs no rebuild when the address or the licence key changes.
 */
export interface PageConfig {
  /** The address people use (links and the QR code); null: the page's own address. */
  publicUrl: string | null
  /** The tldraw licence key for production hosts; null when none is configured. */
  tldrawLicenseKey: string | null
  /**
   * The server's MAX_MESSAGE_BYTES: the page cuts what it sends into messages below it (a long
   * offline session, a large paste), so the server never has to refuse one.
   */
  maxMessageBytes: number
  /** The server's MAX_ASSET_BYTES: larger pictures are refused in the page, with a message. */
  maxAssetBytes: number
}

/** Id of the `<script type="application/json">` element that carries the PageConfig. */
export const PAGE_CONFIG_ELEMENT_ID = 'samenbord-config'
