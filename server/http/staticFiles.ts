import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { PAGE_CONFIG_ELEMENT_ID, type PageConfig } from '../../protocol/pageConfig'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
}

/** Files under assets/ carry a content hash in their name, so browsers may keep them for a year. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'

/**
 * Serves the built client. Every path that is not a file is an app route (`/`, `/b/<id>`) and
 * gets index.html. Paths are resolved inside `root` only: `..` can never escape it.
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pageConfig: PageConfig): void {
  const rootDir = resolve(root)
  const index = join(rootDir, 'index.html')
  if (!existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('De app is nog niet gebouwd. Run "npm run build". / The client is not built yet.')
    return
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
  } catch {
    res.writeHead(400).end()
    return
  }
  const candidate = resolve(rootDir, '.' + normalize('/' + pathname))
  const inside = candidate === rootDir || candidate.startsWith(rootDir + sep)
  const isFile = inside && existsSync(candidate) && statSync(candidate).isFile()
  if (!isFile && extname(pathname) !== '' && !pathname.startsWith('/b/')) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Niet gevonden / Not found')
    return
  }
  const file = isFile ? candidate : index
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  res.setHeader('Content-Type', type)
  res.setHeader('Cache-Control', file.includes(`${sep}assets${sep}`) ? IMMUTABLE_CACHE : 'no-cache')
  if (req.method === 'HEAD') {
    res.writeHead(200).end()
    return
  }
  res.writeHead(200)
  if (file === index) res.end(indexWithConfig(index, pageConfig))
  else createReadStream(file).pipe(res)
}

/** The built index.html with the page's run-time configuration, kept until the file changes. */
let rendered: { file: string; mtimeMs: number; json: string; html: string } | null = null
function indexWithConfig(file: string, config: PageConfig): string {
  const mtimeMs = statSync(file).mtimeMs
  // JSON inside <script> must not be able to close it: "<" becomes \u003c.
  const json = JSON.stringify(config).replace(/</g, '\\u003c')
  if (rendered?.file === file && rendered.mtimeMs === mtimeMs && rendered.json === json) return rendered.html
  const tag = `<script id="${PAGE_CONFIG_ELEMENT_ID}" type="application/json">${json}</script>`
  const html = readFileSync(file, 'utf8').replace('</head>', `  ${tag}\n  </head>`)
  rendered = { file, mtimeMs, json, html }
  return html
}
