import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChatModel } from '../protocol/chatModel';
import { ServerKind } from '../protocol/inferenceServer';
import { loadScriptedModel } from '../model/scriptedModel';
import { catalog, downloadedFileName } from '../model/catalog';
import { defaultModelsDirectory } from './download';
import { openModel } from './modelOption';
import { openServer } from './serverOption';
import { positiveInt, UsageError } from './usageError';

/**
 * Which model answers a command that runs the agent (`ask`, `mcp`): `--model FILE`, a recorded
 * `--scripted` transcript, or a shared `--server`, with their options parsed for `parseArgs`.
 */
export const MODEL_CHOICE_OPTIONS = {
  model: { type: 'string' },
  scripted: { type: 'string' },
  server: { type: 'string' },
  'server-kind': { type: 'string' },
  'server-model': { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
} as const;

export interface ModelChoice {
  model?: string;
  scripted?: string;
  server?: string;
  'server-kind'?: string;
  'server-model'?: string;
  threads?: string;
  'context-size'?: string;
}

export type OpenedModel = ChatModel & { dispose?(): Promise<void> | void };

/** Checks the flags before anything is opened, so that a wrong line fails at once. */
export function checkModelChoice(values: ModelChoice): void {
  if ([values.model, values.scripted, values.server].filter(Boolean).length > 1) throw new UsageError('Use one of --model, --scripted and --server.');
  if ((values['server-kind'] || values['server-model']) && !values.server) throw new UsageError('--server-kind and --server-model go with --server URL.');
}

/** Opens the chosen model; `root` is what a scripted transcript's `${workspaceFolder}` stands for. */
export async function openChosenModel(values: ModelChoice, root: string): Promise<OpenedModel> {
  checkModelChoice(values);
  if (values.scripted) return loadScriptedModel(resolve(values.scripted), root);
  if (values.server) {
    return openServer({
      url: values.server,
      kind: serverKind(values['server-kind']),
      model: values['server-model'],
      contextSize: positiveInt(values['context-size'], '--context-size'),
    });
  }
  const modelPath = values.model ?? (process.env.LOCOOPERATOR_MODEL_PATH || downloadedDefaultModel());
  if (!modelPath) {
    throw new UsageError('No model given: pass --model FILE.gguf (or set LOCOOPERATOR_MODEL_PATH), or run "locooperator download" first.');
  }
  return openModel({
    modelPath: resolve(modelPath),
    threads: positiveInt(values.threads, '--threads'),
    contextSize: positiveInt(values['context-size'], '--context-size'),
  });
}

function serverKind(value: string | undefined): ServerKind | undefined {
  if (value === undefined) return undefined;
  const parsed = ServerKind.safeParse(value);
  if (!parsed.success) throw new UsageError(`--server-kind must be one of ${ServerKind.options.join(', ')}, not "${value}".`);
  return parsed.data;
}

/** The default build, if `locooperator download` has fetched it into its usual place. */
function downloadedDefaultModel(): string | undefined {
  const file = join(defaultModelsDirectory(), downloadedFileName(catalog.defaultVariant));
  return existsSync(file) ? file : undefined;
}
