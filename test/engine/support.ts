import * as esbuild from 'esbuild';
import { commonJsNodeBundle, esmRequireBanner } from '../../scripts/nodeBundle.mjs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles are written here, inside the project, so that they resolve node-llama-cpp and the other
 * external packages from its node_modules; tests never depend on a stale dist/.
 */
const BUNDLES = path.join(ROOT, 'node_modules', '.cache', 'locooperator-engine-test', String(process.pid));

let hostBuilt: Promise<string> | undefined;
let cliBuilt: Promise<string> | undefined;

/** Bundles the model host the way scripts/build.mjs does (ESM, node-llama-cpp external). */
export function buildModelHost(): Promise<string> {
  hostBuilt ??= (async () => {
    await mkdir(BUNDLES, { recursive: true });
    const outfile = path.join(BUNDLES, 'model-host.mjs');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/model/host/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['node-llama-cpp'],
      banner: esmRequireBanner,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return hostBuilt;
}

/** Bundles the CLI the way scripts/build.mjs does, beside the model host it forks. */
export function buildCli(): Promise<string> {
  cliBuilt ??= (async () => {
    await buildModelHost();
    const outfile = path.join(BUNDLES, 'cli.js');
    await esbuild.build({ ...commonJsNodeBundle, entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile });
    return outfile;
  })();
  return cliBuilt;
}

type Part = { text: string; special: boolean };

/** A ChatML turn as the agent renders it: only the markers are special. */
export function turn(role: 'system' | 'user' | 'assistant', content: string): Part[] {
  return [
    { text: '<|im_start|>', special: true },
    { text: `${role}\n${content}`, special: false },
    { text: '<|im_end|>', special: true },
    { text: '\n', special: false },
  ];
}

/** The generation prompt that ends every rendered prompt. */
export const ASSISTANT_START: Part[] = [
  { text: '<|im_start|>', special: true },
  { text: 'assistant\n', special: false },
];

/** The next prompt the agent sends: the previous prompt, the reply it got, then new turns. */
export function continuePrompt(previous: Part[], reply: string, ...turns: Part[][]): Part[] {
  return [
    ...previous,
    { text: reply, special: false },
    { text: '<|im_end|>', special: true },
    { text: '\n', special: false },
    ...turns.flat(),
    ...ASSISTANT_START,
  ];
}

/** Deterministic filler text of roughly `words` words, for long prompts. */
export function filler(words: number, seed = 1): string {
  const vocabulary = ['const', 'return', 'function', 'import', 'the', 'server', 'client', 'handler', 'config', 'request', '{', '}', '(', ')', ';', '\n'];
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(vocabulary[state % vocabulary.length]!);
  }
  return out.join(' ');
}
