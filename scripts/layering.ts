import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The rules of how the parts may depend on each other (docs/architecture.md), checked on the
 * import statements of every source file: `npm run lint`, and tests/unit/layering.test.ts.
 */
const SOURCE_DIRS = ['client', 'server', 'protocol', 'templates', 'bench']
const EXTENSIONS = ['.ts', '.tsx']

interface SourceFile {
  path: string
  /** Our own files it imports (resolved, relative to the root). */
  imports: string[]
  /** Packages it imports. */
  packages: string[]
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function sourceFiles(root: string, dir: string): string[] {
  const full = join(root, dir)
  return readdirSync(full).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(root, path)
    return EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts') ? [path] : []
  })
}

function resolveImport(root: string, from: string, spec: string): string | null {
  const base = resolve(root, dirname(from), spec)
  for (const candidate of [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, 'index' + e))]) {
    try {
      if (statSync(candidate).isFile()) return relative(root, candidate)
    } catch {
      // not this one
    }
  }
  return null
}

export function readSources(root: string): SourceFile[] {
  return SOURCE_DIRS.flatMap((dir) => sourceFiles(root, dir)).map((path) => {
    const text = readFileSync(join(root, path), 'utf8')
    const imports: string[] = []
    const packages: string[] = []
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3]
      if (spec.startsWith('.')) {
        const target = resolveImport(root, path, spec)
        if (target) imports.push(target)
      } else packages.push(spec)
    }
    return { path, imports, packages }
  })
}

const topOf = (path: string) => path.split('/')[0]

/** Every broken rule, as one line each; empty when the layering holds. */
export function checkLayering(root: string): string[] {
  const files = readSources(root)
  const problems: string[] = []
  for (const file of files) {
    const top = topOf(file.path)
    for (const target of file.imports) {
      const to = topOf(target)
      if (top === 'server' && to === 'client') problems.push(`${file.path} imports ${target}: the server never imports the client`)
      if (top === 'protocol' && to !== 'protocol') problems.push(`${file.path} imports ${target}: protocol/ imports nothing else of ours`)
      if (top === 'templates' && to !== 'templates') problems.push(`${file.path} imports ${target}: templates/ are data and import nothing of the app`)
      if (top !== 'client' && top !== 'bench' && to === 'client') problems.push(`${file.path} imports ${target}: nothing imports client/`)
      if (top === 'bench' && to === 'tests') problems.push(`${file.path} imports ${target}: benchmarks do not import tests/ (shared harnesses live in bench/lib/harness)`)
    }
    if (top === 'bench' && file.packages.some((p) => p === 'vitest' || p.startsWith('vitest/'))) problems.push(`${file.path} imports vitest: benchmarks run without the test runner`)
    if (file.path.startsWith('client/sync/')) {
      if (file.path.endsWith('.tsx')) problems.push(`${file.path}: client/sync holds no React components`)
      for (const pkg of file.packages) if (pkg === 'react' || pkg.startsWith('react/') || pkg === 'react-dom') problems.push(`${file.path} imports ${pkg}: client/sync is plain TypeScript`)
    }
  }
  problems.push(...importCycles(files))
  return problems
}

/** Import cycles among our files (each reported once, as the path around it). */
function importCycles(files: SourceFile[]): string[] {
  const graph = new Map(files.map((f) => [f.path, f.imports]))
  const state = new Map<string, 'visiting' | 'done'>()
  const cycles: string[] = []
  const visit = (path: string, trail: string[]) => {
    if (state.get(path) === 'done') return
    if (state.get(path) === 'visiting') {
      cycles.push(`import cycle: ${[...trail.slice(trail.indexOf(path)), path].join(' → ')}`)
      return
    }
    state.set(path, 'visiting')
    for (const next of graph.get(path) ?? []) visit(next, [...trail, path])
    state.set(path, 'done')
  }
  for (const path of graph.keys()) visit(path, [])
  return cycles
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkLayering(process.cwd())
  for (const p of problems) console.error(p)
  console.log(problems.length === 0 ? 'layering: ok (no cycles, dependencies point one way)' : `layering: ${problems.length} problem(s)`)
  process.exit(problems.length === 0 ? 0 : 1)
}
