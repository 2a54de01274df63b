import * as esbuild from 'esbuild';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let built: Promise<string> | undefined;

/**
 * Bundles the model host the way scripts/build.mjs does, into node_modules/.cache so that the
 * bundle resolves node-llama-cpp from the project (and tests never depend on a stale dist/).
 */
export function buildModelHost(): Promise<string> {
  built ??= (async () => {
    const dir = path.join(ROOT, 'node_modules', '.cache', 'locooperator-engine-test');
    await mkdir(dir, { recursive: true });
    const outfile = path.join(dir, `model-host-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/model/host/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['node-llama-cpp'],
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
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
