import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, realpath, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The fixture project (test/fixtures/workspace): a small Flask API with a TypeScript client.
 * What tests can rely on, in the copy that makeFixtureWorkspace returns:
 * - `.gitignore` ignores `node_modules/`, `build/`, `__pycache__/`, `*.pyc` and `.env`, and each
 *   of those exists (`node_modules/left-pad/`, `build/report.txt`, `.env`);
 * - hidden but not ignored: `.github/workflows/ci.yml`;
 * - `src/server/__init__.py` is empty; `web/static/charts.min.js` is one 2,700-character line;
 * - `web/static/logo.png` is a real 1×1 PNG (binary);
 * - `create_app` appears in src/server/app.py, tests/conftest.py, README.md, docs/architecture.md
 *   and (ignored) build/report.txt and node_modules/left-pad/index.js.
 * The copy is not a git repository.
 */
export const FIXTURE_SOURCE = fileURLToPath(new URL('../fixtures/workspace', import.meta.url));

/**
 * Names stored differently in the repository so that the product's own git does not apply or
 * swallow them: the fixture's .gitignore would hide fixture files from git, and the repository
 * ignores every node_modules directory.
 */
const STORED_NAMES: Record<string, string> = {
  _gitignore: '.gitignore',
  _node_modules: 'node_modules',
};

/** A 1×1 transparent PNG, written at copy time so that the repository holds text only. */
const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Fixed mtimes, 2024-01-01T00:00:00Z onward, one minute apart. */
const MTIME_BASE_SECONDS = Date.UTC(2024, 0, 1) / 1000;

export interface FixtureWorkspace {
  /** Real absolute path (symlinks resolved) of a fresh copy of the fixture. */
  root: string;
  /** The mtime (seconds since the epoch) given to a workspace-relative path ('/'-separated). */
  mtimeOf(relativePath: string): number;
  /** Every file and directory in the copy, workspace-relative, '/'-separated. */
  entries: readonly string[];
  cleanup(): Promise<void>;
}

/**
 * Copies the fixture project into a fresh temporary directory. Every file and directory gets a
 * distinct, deterministic mtime whose order is neither alphabetical nor reverse-alphabetical
 * (it follows a hash of the relative path), so tests of mtime ordering can tell the difference.
 */
export async function makeFixtureWorkspace(): Promise<FixtureWorkspace> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-fixture-')));
  await cp(FIXTURE_SOURCE, root, { recursive: true });
  for (const [stored, actual] of Object.entries(STORED_NAMES)) {
    await rename(path.join(root, stored), path.join(root, actual));
  }
  await writeFile(path.join(root, 'web/static/logo.png'), LOGO_PNG);

  const entries = await listEntries(root);
  const ordered = [...entries].sort((a, b) => hashOf(a).localeCompare(hashOf(b)));
  const mtimes = new Map(ordered.map((entry, index) => [entry, MTIME_BASE_SECONDS + index * 60]));
  // Deepest first, so that setting a file's time is not undone by touching its directory later.
  for (const entry of [...entries].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const seconds = mtimes.get(entry)!;
    await utimes(path.join(root, entry), seconds, seconds);
  }

  return {
    root,
    entries,
    mtimeOf(relativePath) {
      const seconds = mtimes.get(relativePath);
      if (seconds === undefined) throw new Error(`not in the fixture: ${relativePath}`);
      return seconds;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

async function listEntries(root: string): Promise<string[]> {
  const found = await readdir(root, { recursive: true });
  return found.map((entry) => entry.split(path.sep).join('/')).sort();
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
