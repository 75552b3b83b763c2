import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { CloseCode } from '../protocol/closeCodes'
import type { PageConfig } from '../protocol/pageConfig'
import type { ServerConfig } from './config'
import { ApiRateLimit } from './http/apiRateLimit'
import { handleAssetApi, type AssetApiContext } from './http/assetApi'
import { AssetCache } from './http/assetCache'
import { handleBoardApi, resolveAccess } from './http/boardApi'
import { setSecurityHeaders } from './http/securityHeaders'
import { serveStatic } from './http/staticFiles'
import { UPLOAD_TIMEOUT_MS, UploadSlots } from './http/uploadBody'
import { attachWebsocketTransport } from './http/wsTransport'
import { log } from './log'
import { MemoryBudget } from './relay/memoryBudget'
import { Relay } from './relay/relay'
import { Retention } from './retention'
import type { BoardStore } from './store/boardStore'
import { createStore } from './store/createStore'

export interface SamenbordServer {
  http: Server
  relay: Relay
  store: BoardStore
  /** BOARD_RETENTION_DAYS: sweeps at start (`listen`) and every hour; tests call `sweep` themselves. */
  retention: Retention
  /** Starts listening; resolves with the port (useful with port 0). */
  listen(): Promise<number>
  /** Graceful stop: no new connections, every board written, clients told to come back later. */
  close(): Promise<void>
}

/** Resolution of the event-loop delay figure on /healthz, in milliseconds. */
const EVENT_LOOP_RESOLUTION_MS = 10

/** For tests only, never from the environment. */
export interface ServerTestOptions {
  /** The clock retention counts with, ms since 1970 (a test does not wait a year). */
  now?: () => number
  /** How long an upload body may take (UPLOAD_TIMEOUT_MS; a test does not wait two minutes). */
  uploadTimeoutMs?: number
}

export function createSamenbordServer(config: ServerConfig, store?: BoardStore, { now = Date.now, uploadTimeoutMs = UPLOAD_TIMEOUT_MS }: ServerTestOptions = {}): SamenbordServer {
  const boardStore = store ?? createStore(config)
  const relay = new Relay(boardStore, {
    maxBoardBytes: config.maxBoardBytes,
    maxBoardMemoryBytes: config.maxBoardMemoryBytes,
    maxPrivateRoomsPerBoard: config.maxPrivateRoomsPerBoard,
    compactAfterUpdates: config.compactAfterUpdates,
    budget: new MemoryBudget(config.maxLoadedMemoryBytes),
    log,
    onBoardOpened: (boardId) => retention.opened(boardId),
  })
  const retention = new Retention(boardStore, relay, { retentionDays: config.boardRetentionDays, now, log })
  const startedAt = Date.now()
  // How long the event loop was held at a time: the one figure that tells whether one board's
  // work (a load, a compaction, a big paste) made every other board wait.
  const loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS })
  loopDelay.enable()
  // The address people use is always an allowed origin, also when the proxy passes another Host.
  const allowedOrigins = config.publicUrl ? [...config.allowedOrigins, config.publicUrl.origin] : config.allowedOrigins
  const pageConfig: PageConfig = {
    publicUrl: config.publicUrl?.origin ?? null,
    tldrawLicenseKey: config.tldrawLicenseKey,
    maxMessageBytes: config.maxMessageBytes,
    maxAssetBytes: config.maxAssetBytes,
  }
  const api = {
    store: boardStore,
    relay,
    creationsPerAddress: new ApiRateLimit(config.maxCreationsPerIpPerHour),
    creationsPerBoard: new ApiRateLimit(config.maxSnapshotsPerBoardPerHour),
    allowedOrigins,
    trustProxyHops: config.trustProxyHops,
    retention,
  }
  const assets: AssetApiContext = {
    store: boardStore,
    allowedOrigins,
    trustProxyHops: config.trustProxyHops,
    maxAssetBytes: config.maxAssetBytes,
    maxBoardAssetBytes: config.maxBoardAssetBytes,
    uploadBytesPerAddress: new ApiRateLimit(config.maxUploadBytesPerIpPerHour),
    uploads: new UploadSlots(),
    uploadTimeoutMs,
    cache: new AssetCache(),
  }

  const http = createServer((req, res) => {
    setSecurityHeaders(res)
    const [path, query = ''] = (req.url ?? '/').split('?')
    if (path === '/healthz') {
      const memory = process.memoryUsage()
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(
        JSON.stringify({
          ok: true,
          store: boardStore.kind,
          // Whether TLDRAW_LICENSE_KEY is set (not the key): without one tldraw hides the editor on https hosts.
          tldrawLicenseKey: config.tldrawLicenseKey !== null,
          publicUrl: pageConfig.publicUrl,
          loadedBoards: relay.loadedBoardCount,
          // Estimated memory of the loaded boards, and the most they may take together.
          boardMemory: relay.memory,
          connections: transport.wss.clients.size,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          // The JS heap in use: unlike RSS it falls when boards are freed (memory checks, soak).
          heapUsedBytes: memory.heapUsed,
          // Since start, or since the last `/healthz?resetEventLoop=1` (benchmarks).
          eventLoopDelayMs: { max: loopDelay.max / 1e6, p99: loopDelay.percentile(99) / 1e6 },
          memory: {
            rssBytes: memory.rss,
            heapTotalBytes: memory.heapTotal,
            heapUsedBytes: memory.heapUsed,
            externalBytes: memory.external,
            arrayBuffersBytes: memory.arrayBuffers,
          },
        }),
      )
      if (new URLSearchParams(query).has('resetEventLoop')) loopDelay.reset()
      return
    }
    if (path.startsWith('/api/')) {
      handleAssetApi(assets, req, res)
        .then((handled) => handled || handleBoardApi(api, req, res))
        .then((handled) => {
          if (!handled) res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}')
        })
        .catch((error) => {
          log('api error', { path, error: String(error) })
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
          res.end('{"error":"server error"}')
        })
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    serveStatic(config.staticDir, req, res, pageConfig)
  })
  const transport = attachWebsocketTransport(http, relay, {
    maxMessageBytes: config.maxMessageBytes,
    allowedOrigins,
    maxConnectionsPerBoard: config.maxConnectionsPerBoard,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    maxBytesPerSecond: config.maxBytesPerSecond,
    slowConsumerMaxBytes: config.slowConsumerMaxBytes,
    trustProxyHops: config.trustProxyHops,
    resolveAccess: (boardId, token) => resolveAccess(boardStore, boardId, token),
    log,
  })

  let closing: Promise<void> | null = null
  return {
    http,
    relay,
    store: boardStore,
    retention,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject)
        http.listen(config.port, config.host, () => {
          retention.start()
          resolve((http.address() as AddressInfo).port)
        })
      }),
    close() {
      closing ??= (async () => {
        http.close()
        transport.closeAll(CloseCode.ServiceRestart, 'server restarting')
        loopDelay.disable()
        await retention.stop()
        await relay.closeAll()
        http.closeAllConnections()
      })()
      return closing
    },
  }
}
