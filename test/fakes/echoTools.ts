import { z } from 'zod';
import { defineTool, type Tool } from '../../src/tools/defineTool';

/**
 * Small stand-in tools for loop tests: they record their calls, and can be slowed down or made to
 * wait for cancellation, without touching a file system.
 */
export function echoTools(options: { delayMs?: number; calls?: string[] } = {}): Map<string, Tool> {
  const calls = options.calls ?? [];
  const read = defineTool({
    name: 'Read',
    description: 'Reads a file.',
    parameters: z.object({ file_path: z.string(), offset: z.number().optional(), limit: z.number().optional() }),
    title: (input) => `Read ${input.file_path ?? ''}`,
    async execute(input, ctx) {
      calls.push(`Read ${input.file_path}`);
      if (options.delayMs) await abortableDelay(options.delayMs, ctx.signal);
      return { output: `contents of ${input.file_path}`, title: `Read ${input.file_path}`, metadata: {} };
    },
  });
  const big = defineTool({
    name: 'Big',
    description: 'Returns a lot of text.',
    parameters: z.object({ size: z.number() }),
    title: () => 'Big',
    async execute(input) {
      calls.push(`Big ${input.size}`);
      return { output: 'x'.repeat(input.size), title: 'Big', metadata: {} };
    },
  });
  return new Map([
    [read.name, read],
    [big.name, big],
  ]);
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}
