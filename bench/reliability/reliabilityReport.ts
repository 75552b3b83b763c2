import { execSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { cpus, totalmem } from 'node:os'
import { pathToFileURL } from 'node:url'

/**
 * docs/reliability.md is written by several scripts; each owns one section between markers and
 * replaces only that, so the others' last figures stay.
 */
/** RELIABILITY_DOC points elsewhere for trial runs that must not replace the published figures. */
export const RELIABILITY_DOC = process.env.RELIABILITY_DOC || 'docs/reliability.md'

const INTRO =
  '# Reliability\n\n' +
  'Evidence that the relay keeps what it relayed, survives hostile input, keeps boards apart and ' +
  'stays within bounded memory. Each section below is written by its script under `bench/reliability/` ' +
  '(all of them: `npm run bench:reliability`); scaled-down versions of the same checks run in CI ' +
  'as tests under `tests/integration/`. The server always runs as a separate child process with ' +
  'its SQLite store, and the clients are stock `y-websocket` providers unless a section says raw ' +
  'sockets.\n'

/** Section ids in the order they appear in the file; `ci-checks` and `findings` are written by hand. */
const SECTION_ORDER = ['crash-safety', 'fuzz', 'attacks', 'soak', 'ci-checks', 'findings']

/** "date, commit, machine" for the line under each section title. */
export function runContext(): string {
  let commit = 'unknown'
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
    const dirty = execSync('git status --porcelain', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
    if (dirty) commit += ' + uncommitted changes'
  } catch {
    // not a git checkout
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  return `${new Date().toISOString()}, commit ${commit}, ${machine}`
}

/** Replaces the section `id` of docs/reliability.md with `body` (a markdown block with its own heading). */
export function writeSection(id: string, body: string): void {
  const existing = existsSync(RELIABILITY_DOC) ? readFileSync(RELIABILITY_DOC, 'utf8') : ''
  const sections = new Map<string, string>()
  for (const match of existing.matchAll(/<!-- section:([\w-]+) -->\n([\s\S]*?)<!-- \/section:\1 -->/g)) {
    sections.set(match[1], match[2])
  }
  sections.set(id, body.endsWith('\n') ? body : body + '\n')
  const ids = [...SECTION_ORDER.filter((s) => sections.has(s)), ...[...sections.keys()].filter((s) => !SECTION_ORDER.includes(s))]
  const text = INTRO + ids.map((s) => `\n<!-- section:${s} -->\n${sections.get(s)}<!-- /section:${s} -->\n`).join('')
  mkdirSync(dirname(RELIABILITY_DOC), { recursive: true })
  writeFileSync(RELIABILITY_DOC, text)
}

/** True when the module at `url` is the script node was started with (so it runs its main). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href
}

/** A positive number from the environment, or the fallback. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`)
  return value
}
