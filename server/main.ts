import { createSamenbordServer } from './app'
import { ConfigError, readConfig } from './config'
import { log } from './log'

let config
try {
  config = readConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuratiefout / configuration error: ${error.message}`)
    process.exit(2)
  }
  throw error
}

const server = createSamenbordServer(config)
const port = await server.listen()
// Before the line that says it runs: whoever waits for that line has the warning too.
if (config.publicUrl?.protocol === 'https:' && !config.tldrawLicenseKey) {
  log(
    'WARNING: no TLDRAW_LICENSE_KEY. On an https address such as PUBLIC_URL, tldraw hides the board 5 s after it opens unless a licence key is set. ' +
      'Get a trial, commercial or hobby (non-commercial) licence at tldraw.dev and set TLDRAW_LICENSE_KEY; see docs/deploy.md.',
    { publicUrl: config.publicUrl.origin },
  )
}
log('Samenbord is running', { url: `http://localhost:${port}`, dataDir: config.dataDir, publicUrl: config.publicUrl?.origin ?? null })

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log('stopping: writing every board', { signal })
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error)
        process.exit(1)
      },
    )
  })
}
