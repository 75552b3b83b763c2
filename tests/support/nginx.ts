import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../bench/lib/harness/redis'

/*
 * A real nginx in front of a test server, configured as docs/deploy.md tells a school to configure
 * theirs: TLS, websocket upgrade, forwarded headers, long timeouts, 25 MB bodies and an access log
 * without query strings. Everything it writes (pid, temp files, logs) stays in its own temp dir.
 */

export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
export const OPENSSL_PATH = process.env.OPENSSL_PATH ?? '/usr/bin/openssl'

export interface RunningNginx {
  /** Loopback port of the TLS listener (the self-signed certificate is for `serverName`). */
  httpsPort: number
  /** Loopback port of the plain-http listener (a school network without TLS). */
  httpPort: number
  /** The access log (in the format of `ACCESS_LOG_FORMAT` for `testSite`). */
  accessLog: string
  /** The temp dir with nginx.conf, the certificate and the logs (removed by `stop`). */
  dir: string
  /** What nginx wrote to its error log so far. */
  errorLog(): string
  stop(): Promise<void>
}

/**
 * The access log format: the path without its query string (`$uri`, not `$request`), no referrer.
 * Board links are capabilities, so a URL with a token must never end up in a log file.
 */
export const ACCESS_LOG_FORMAT =
  '$remote_addr [$time_local] "$request_method $scheme://$host$uri $server_protocol" $status $body_bytes_sent $request_time "$http_user_agent"'

/**
 * What both listeners do: pass everything to the server, websockets included, as docs/deploy.md
 * does, with one difference: `Host $http_host` (what the browser sent, port included) instead of
 * `$host` (the bare name). Here nginx listens on random ports and the server has no PUBLIC_URL, so
 * its same-origin check compares the Origin's host:port with Host. (The site of docs/deploy.md,
 * with `$host` and PUBLIC_URL, runs in tests/e2e/schoolNetwork.test.ts as written.)
 */
function proxyLocation(upstream: string): string {
  return `
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }`
}

/** Where things are, for a site: ports, files in the temp dir. */
export interface SiteContext {
  upstreamPort: number
  serverName: string
  httpsPort: number
  httpPort: number
  /** The temp dir, and its certificate, key and access log. */
  dir: string
  cert: string
  key: string
  accessLog: string
}

/**
 * The test's own site: TLS and plain http, both proxied (a school network without certificates
 * is proxied, not redirected). What goes inside `http { }`.
 */
export function testSite(c: SiteContext): string {
  const upstream = `http://127.0.0.1:${c.upstreamPort}`
  return `
  log_format samenbord '${ACCESS_LOG_FORMAT}';
  access_log ${c.accessLog} samenbord;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }

  # Photos from a phone camera are several megabytes.
  client_max_body_size 25m;

  server {
    listen 127.0.0.1:${c.httpsPort} ssl;
    server_name ${c.serverName};
    ssl_certificate ${c.cert};
    ssl_certificate_key ${c.key};
    ssl_protocols TLSv1.2 TLSv1.3;
${proxyLocation(upstream)}
  }

  server {
    listen 127.0.0.1:${c.httpPort};
    server_name ${c.serverName};
${proxyLocation(upstream)}
  }
`
}

/** The whole nginx.conf: everything nginx writes stays in the temp dir; `site` goes inside `http { }`. */
export function nginxConfig(c: SiteContext, site: string): string {
  const p = (name: string) => join(c.dir, name)
  return `# Written by tests/support/nginx.ts
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;

events {
  worker_connections 512;
}

http {
  client_body_temp_path ${p('client_body_temp')};
  proxy_temp_path ${p('proxy_temp')};
  fastcgi_temp_path ${p('fastcgi_temp')};
  uwsgi_temp_path ${p('uwsgi_temp')};
  scgi_temp_path ${p('scgi_temp')};
  server_tokens off;
${site}
}
`
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < n) ports.add(await freePort())
  return [...ports]
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * A real nginx (a foreground child process) on free loopback ports, proxying to `upstreamPort`
 * (which need not listen yet). `site`: what goes inside `http { }`, `testSite` unless given (a
 * test runs the site file of docs/deploy.md with it).
 */
export async function startNginx({
  upstreamPort,
  serverName = 'bord.school.test',
  site = testSite,
}: {
  upstreamPort: number
  serverName?: string
  site?: (context: SiteContext) => string
}): Promise<RunningNginx> {
  if (!existsSync(NGINX_PATH)) {
    throw new Error(
      `nginx not found at ${NGINX_PATH}. Install it (Debian: apt-get install -y nginx) or set NGINX_PATH. ` +
        'The school-network tests cannot run without it.',
    )
  }
  if (!existsSync(OPENSSL_PATH)) {
    throw new Error(`openssl not found at ${OPENSSL_PATH}. Install it (Debian: apt-get install -y openssl) or set OPENSSL_PATH.`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-nginx-'))
  // When nginx runs as root, its workers drop to "nobody" and must still reach their temp dirs.
  chmodSync(dir, 0o755)
  execFileSync(
    OPENSSL_PATH,
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', `/CN=${serverName}`,
      '-addext', `subjectAltName=DNS:${serverName}`,
      '-keyout', join(dir, 'key.pem'),
      '-out', join(dir, 'cert.pem'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const errorLogPath = join(dir, 'error.log')
  const errorLog = () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : '')
  // A free port may be taken by someone else before nginx binds it: then again, on other ports.
  for (let attempt = 1; ; attempt++) {
    const [httpsPort, httpPort] = await distinctFreePorts(2)
    const context: SiteContext = {
      upstreamPort,
      serverName,
      httpsPort,
      httpPort,
      dir,
      cert: join(dir, 'cert.pem'),
      key: join(dir, 'key.pem'),
      accessLog: join(dir, 'access.log'),
    }
    const confPath = join(dir, 'nginx.conf')
    writeFileSync(confPath, nginxConfig(context, site(context)))
    try {
      return await run(context, confPath)
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) {
        rmSync(dir, { recursive: true, force: true })
        throw error
      }
    }
  }

  async function run(context: SiteContext, confPath: string): Promise<RunningNginx> {
    const { httpsPort, httpPort } = context
    // -e: the error log before the config is read (else nginx first opens /var/log/nginx/error.log).
    const child = spawn(NGINX_PATH, ['-p', dir + '/', '-c', confPath, '-e', errorLogPath, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let exited: number | string | null = null
    // Should the test process end without stop(), nginx ends with it.
    const killOnExit = () => child.kill('SIGKILL')
    process.once('exit', killOnExit)
    const exit = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        exited = code ?? signal ?? 'unknown'
        process.off('exit', killOnExit)
        resolve()
      }),
    )

    const deadline = Date.now() + 10_000
    while (!((await accepts(httpsPort)) && (await accepts(httpPort)))) {
      if (exited !== null || Date.now() > deadline) {
        if (exited === null) {
          child.kill('SIGKILL')
          await exit
        }
        throw new Error(`nginx did not start (exit: ${exited}): ${output}\n${errorLog()}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }

    return {
      httpsPort,
      httpPort,
      dir,
      accessLog: context.accessLog,
      errorLog,
      async stop() {
        if (exited === null) {
          // SIGTERM: fast shutdown (open websockets are cut, as they are at a restart).
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
          await exit
          clearTimeout(timer)
        }
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
}
