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
log('Samenbord is running', { url: `http://localhost:${port}`, dataDir: config.dataDir })

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
