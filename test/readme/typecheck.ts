import { readFileSync } from 'node:fs'
import ts from 'typescript'

/**
 * Type-checks code blocks in-process, as virtual files under `test/readme/.generated/` (never
 * written to disk), with the project's tsconfig and `paths` that map each `github-oidc/*` entry
 * point of package.json `exports` to its source, so the README is checked against `src/` without a
 * build. axios, got and ky resolve to `stubs.d.ts`.
 */
export function typeCheck(root: string, files: ReadonlyMap<string, string>): Map<string, string[]> {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
    name: string
    exports: Record<string, { types?: string } | string>
  }
  const paths: Record<string, string[]> = {}
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target.types === undefined) continue
    const source = target.types.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$/, '.ts')
    paths[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = [source]
  }
  const { config } = ts.readConfigFile(`${root}tsconfig.json`, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(
    {
      ...config,
      include: undefined,
      files: [`${root}test/readme/stubs.d.ts`],
      compilerOptions: { ...config.compilerOptions, paths },
    },
    ts.sys,
    root,
  )
  const options = { ...parsed.options, noEmit: true }
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name)
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name)
  host.getSourceFile = (name, language, onError, create) => {
    const text = files.get(name)
    return text === undefined
      ? getSourceFile.call(host, name, language, onError, create)
      : ts.createSourceFile(name, text, language)
  }
  const program = ts.createProgram({ rootNames: [...parsed.fileNames, ...files.keys()], options, host })
  const result = new Map<string, string[]>()
  const format = (diagnostic: ts.Diagnostic) =>
    ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') +
    (diagnostic.file && diagnostic.start !== undefined
      ? ` (${diagnostic.file.fileName.slice(root.length)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1})`
      : '')
  for (const name of files.keys()) {
    const file = program.getSourceFile(name)
    result.set(name, file === undefined ? ['not compiled'] : ts.getPreEmitDiagnostics(program, file).map(format))
  }
  result.set(
    'stubs',
    ts.getPreEmitDiagnostics(program, program.getSourceFile(`${root}test/readme/stubs.d.ts`)).map(format),
  )
  return result
}
