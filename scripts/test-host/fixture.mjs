// The fixture project the test windows open: test/fakes/fixtureWorkspace.ts (the same helper the
// unit tests use), bundled so that these plain-Node runners can call it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleTests } from './bundle.mjs';
import { repoRoot } from './hostPaths.mjs';

/** @returns {Promise<{ root: string, cleanup(): Promise<void> }>} a fresh copy of the fixture project */
export async function makeFixtureWorkspace() {
  const outdir = join(repoRoot, 'out', 'test-host');
  await bundleTests({
    entryPoints: [join(repoRoot, 'test', 'fakes', 'fixtureWorkspace.ts')],
    outdir,
    format: 'esm',
  });
  const helper = await import(pathToFileURL(join(outdir, 'fixtureWorkspace.mjs')).href);
  return helper.makeFixtureWorkspace();
}
