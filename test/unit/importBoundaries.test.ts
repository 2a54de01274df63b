import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rule on imports (ARCHITECTURE.md): the core never imports vscode or node-llama-cpp,
 * only src/vscode talks to VS Code, only the model host loads the engine, and the webview sees
 * nothing of the host but the protocol.
 */
const root = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier: static imports, re-exports, dynamic import() and require(). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

function violations(files: string[], allowed: (file: string, specifier: string, target: string | undefined) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(readFileSync(join(root, file), 'utf8'))
      .filter((specifier) => {
        const target = specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : undefined;
        return !allowed(file, specifier, target);
      })
      .map((specifier) => `${file} imports ${specifier}`),
  );
}

/** Which of `files` a relative specifier names (`./x` is x.ts, x.tsx or x/index.ts), if any. */
function resolveRelative(file: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const base = relative(root, resolve(root, dirname(file), specifier));
  return [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => files.has(candidate));
}

/**
 * Every import cycle among `files`, each written `a -> b -> a`, found by a depth-first walk of
 * their relative imports (type-only imports too: a cycle of types is still two modules that
 * cannot be understood one without the other).
 */
function importCycles(files: string[], read: (file: string) => string = (file) => readFileSync(join(root, file), 'utf8')): string[] {
  const known = new Set(files);
  const edges = new Map(
    files.map((file) => [
      file,
      importsOf(read(file))
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => resolveRelative(file, specifier, known))
        .filter((target): target is string => target !== undefined),
    ]),
  );
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const at = path.indexOf(file);
    if (at !== -1) {
      cycles.push([...path.slice(at), file].join(' -> '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const target of edges.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  return cycles;
}

describe('import boundaries', () => {
  const src = sourceFiles('src');

  it('finds the import statements it checks', () => {
    expect(importsOf(`import x from 'a';\nimport type { Y } from "b";\nexport * from './c';\nconst z = await import('d');\nrequire('e');\nimport {\n  p,\n  q,\n} from 'f';`)).toEqual(
      ['a', 'b', './c', 'f', 'd', 'e'],
    );
    expect(src.length).toBeGreaterThan(10);
  });

  it('has no import cycles in src', () => {
    expect(importCycles(src)).toEqual([]);
  });

  it('reports an import cycle with its path', () => {
    const fake: Record<string, string> = {
      'src/tools/bash/gate/a.ts': "import { b } from './b';",
      'src/tools/bash/gate/b.ts': "import type { C } from '../shell/c';",
      'src/tools/bash/shell/c.ts': "import { a } from '../gate/a';",
    };
    const files = Object.keys(fake);
    expect(importCycles(files, (file) => fake[file]!)).toEqual([
      'src/tools/bash/gate/a.ts -> src/tools/bash/gate/b.ts -> src/tools/bash/shell/c.ts -> src/tools/bash/gate/a.ts',
    ]);
  });

  it('only src/vscode and src/extension.ts import vscode', () => {
    expect(violations(src, (file, specifier) => specifier !== 'vscode' || file.startsWith('src/vscode/') || file === 'src/extension.ts')).toEqual([]);
  });

  it('only the model host imports node-llama-cpp', () => {
    expect(violations(src, (file, specifier) => !specifier.startsWith('node-llama-cpp') || file.startsWith('src/model/host/'))).toEqual([]);
  });

  it('the agent, tools and protocol do not reach into the VS Code adapter, the model host or the CLI', () => {
    const core = src.filter((file) => /^src\/(agent|tools|protocol)\//.test(file));
    expect(violations(core, (_file, _specifier, target) => !target || !/^src\/(vscode|model|cli)\b|^src\/extension/.test(target))).toEqual([]);
  });

  it('the application layer needs no editor: src/app imports neither vscode nor the VS Code adapters', () => {
    const app = src.filter((file) => file.startsWith('src/app/'));
    expect(app.length).toBeGreaterThan(5);
    expect(violations(app, (_file, specifier, target) => specifier !== 'vscode' && (!target || !/^src\/(vscode|cli)\b|^src\/extension/.test(target)))).toEqual([]);
  });

  it('the agent, tools and model do not reach into the application layer', () => {
    const below = src.filter((file) => /^src\/(agent|tools|model|protocol)\//.test(file));
    expect(violations(below, (_file, _specifier, target) => !target || !target.startsWith('src/app'))).toEqual([]);
  });

  it('the model layer does not reach into the agent (ChatModel lives in the protocol)', () => {
    const model = src.filter((file) => file.startsWith('src/model/'));
    expect(violations(model, (_file, _specifier, target) => !target || !target.startsWith('src/agent'))).toEqual([]);
  });

  it('the protocol depends on nothing but zod and itself', () => {
    const protocol = src.filter((file) => file.startsWith('src/protocol/'));
    expect(violations(protocol, (_file, specifier, target) => (target ? target.startsWith('src/protocol') : specifier === 'zod'))).toEqual([]);
  });

  it('the webview imports only the protocol among project modules', () => {
    const webview = sourceFiles('webview/src');
    expect(violations(webview, (_file, _specifier, target) => !target || target.startsWith('webview/') || target.startsWith('src/protocol'))).toEqual([]);
  });
});
