import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

interface Module {
  exports: unknown
}

/**
 * A CommonJS `require` inside a JSVM context (PocketBase's goja `require`): loads local files
 * (`require(`${__hooks}/utils.js`)`, `./lib.js`, a folder's `index.js`, `.json`) and packages
 * under a `node_modules` folder, evaluating them in the same context, cached per context. Node's
 * built-in modules are not available, as in PocketBase.
 */
export function makeRequire(context: vm.Context, baseDir: string): (id: string) => unknown {
  const cache = new Map<string, Module>()
  const load = (file: string): unknown => {
    const cached = cache.get(file)
    if (cached !== undefined) return cached.exports
    const module: Module = { exports: {} }
    cache.set(file, module)
    const source = readFileSync(file, 'utf8')
    if (file.endsWith('.json')) {
      module.exports = JSON.parse(source)
      return module.exports
    }
    try {
      const fn = vm.compileFunction(
        source,
        ['exports', 'require', 'module', '__filename', '__dirname'],
        { parsingContext: context, filename: file },
      )
      fn(module.exports, requireFrom(path.dirname(file)), module, file, path.dirname(file))
    } catch (err) {
      cache.delete(file)
      throw err
    }
    return module.exports
  }
  const requireFrom =
    (dir: string) =>
    (id: string): unknown => {
      const file = resolve(String(id), dir)
      if (file === undefined) throw new Error(`Cannot find module '${id}'`)
      return load(file)
    }
  return requireFrom(baseDir)
}

function resolve(id: string, dir: string): string | undefined {
  if (id.startsWith('node:')) return undefined
  if (id.startsWith('/') || id.startsWith('./') || id.startsWith('../')) {
    const base = path.resolve(dir, id)
    for (const f of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
      if (existsSync(f) && statSync(f).isFile()) return f
    }
    return undefined
  }
  try {
    const found = createRequire(path.join(dir, 'noop.js')).resolve(id)
    return path.isAbsolute(found) ? found : undefined
  } catch {
    return undefined
  }
}
