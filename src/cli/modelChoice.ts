import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChatModel } from '../protocol/chatModel';
import { errorMessage } from '../protocol/errorMessage';
import { ServerKind, type ServerLimit } from '../protocol/inferenceServer';
import { MIN_CONTEXT_SIZE, parseSettings, serverLimitsMs } from '../protocol/settings';
import { loadScriptedModel, type ScriptedModel } from '../model/scriptedModel';
import { catalog, downloadedFileName } from '../model/catalog';
import { defaultModelsDirectory } from './download';
import { openModel } from './modelOption';
import { openServer, SERVER_API_KEY_ENV } from './serverOption';
import { positiveInt, UsageError, wholeSeconds } from './usageError';

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
  'server-timeout': { type: 'string' },
  'server-connect-timeout': { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
} as const;

/** The same limits as the extension's settings by default. */
const DEFAULT_SERVER_LIMITS_MS = serverLimitsMs(parseSettings({}).settings);

/** The model options as each command's --help lists them. */
export const MODEL_CHOICE_HELP = `The model (one of; default: $LOCOOPERATOR_MODEL_PATH, else the downloaded default):
  --model FILE.gguf      a GGUF file, run on this machine
    --threads N          CPU threads for it (default: the physical cores)
    --context-size N     its context window in tokens (at least ${MIN_CONTEXT_SIZE}; default: what memory allows)
  --scripted FILE.json   replays recorded turns instead (\${workspaceFolder} in them is the first DIR)
  --server URL           a shared inference server: llama-server, an OpenAI-compatible server
                         (vLLM, LM Studio; its raw completions endpoint) or Ollama
    --server-kind KIND   llama-server, openai-compatible or ollama (default: detected by
                         /props for llama-server, /api/version for Ollama)
    --server-model NAME  the model to ask for (Ollama needs it)
    --server-timeout S   a server that sends nothing for S seconds is taken as gone
                         (default ${DEFAULT_SERVER_LIMITS_MS.firstByte / 1000} before its answer begins, ${DEFAULT_SERVER_LIMITS_MS.idle / 1000} once it has;
                         0 waits for ever)
    --server-connect-timeout S
                         a server not connected, or not answering a request that needs
                         no model, within S seconds is taken as unreachable
                         (default ${DEFAULT_SERVER_LIMITS_MS.connect / 1000}; 0 leaves it to the system)
    --context-size N     the window to assume where the server does not say it
  The server's API key is read from $${SERVER_API_KEY_ENV}.
`;

export interface ModelChoiceValues {
  model?: string;
  scripted?: string;
  server?: string;
  'server-kind'?: string;
  'server-model'?: string;
  'server-timeout'?: string;
  'server-connect-timeout'?: string;
  threads?: string;
  'context-size'?: string;
}

/** The command line's model, checked: every mistake in it is found before anything is opened. */
export type ModelChoice =
  | { kind: 'embedded'; modelPath: string; threads?: number; contextSize?: number }
  | { kind: 'scripted'; file: string; contextSize?: number }
  | { kind: 'server'; url: string; serverKind?: ServerKind; model?: string; limitsMs: Record<ServerLimit, number>; contextSize?: number };

export type OpenedModel = ChatModel & { dispose?(): Promise<void> | void };

/** Checks the flags before anything is opened, so that a wrong line fails at once. */
export function checkModelChoice(values: ModelChoiceValues): ModelChoice {
  if ([values.model, values.scripted, values.server].filter((value) => value !== undefined).length > 1) throw new UsageError('Use one of --model, --scripted and --server.');
  for (const flag of ['server-kind', 'server-model', 'server-timeout', 'server-connect-timeout'] as const) {
    if (values[flag] !== undefined && values.server === undefined) throw new UsageError(`--${flag} goes with --server URL.`);
  }
  if (values.threads !== undefined && (values.scripted !== undefined || values.server !== undefined)) {
    throw new UsageError('--threads goes with the model this machine runs (--model), not with --scripted or --server.');
  }
  const contextSize = positiveInt(values['context-size'], '--context-size');
  if (contextSize !== undefined && contextSize < MIN_CONTEXT_SIZE) throw new UsageError(`--context-size must be at least ${MIN_CONTEXT_SIZE} tokens, not ${contextSize}.`);
  for (const [flag, value] of [['--model', values.model], ['--scripted', values.scripted], ['--server', values.server]] as const) {
    if (value === '') throw new UsageError(`${flag} needs a value, not an empty one.`);
  }

  if (values.scripted !== undefined) return { kind: 'scripted', file: resolve(values.scripted), contextSize };
  if (values.server !== undefined) {
    // "Sends nothing for S seconds": the wait for the answer to begin and the silence within it.
    const silence = wholeSeconds(values['server-timeout'], '--server-timeout');
    const connect = wholeSeconds(values['server-connect-timeout'], '--server-connect-timeout');
    return {
      kind: 'server',
      url: values.server,
      serverKind: serverKind(values['server-kind']),
      model: values['server-model'] || undefined,
      limitsMs: {
        connect: connect === undefined ? DEFAULT_SERVER_LIMITS_MS.connect : connect * 1000,
        firstByte: silence === undefined ? DEFAULT_SERVER_LIMITS_MS.firstByte : silence * 1000,
        idle: silence === undefined ? DEFAULT_SERVER_LIMITS_MS.idle : silence * 1000,
      },
      contextSize,
    };
  }
  const modelPath = values.model ?? (process.env.LOCOOPERATOR_MODEL_PATH || downloadedDefaultModel());
  if (!modelPath) {
    throw new UsageError('No model given: pass --model FILE.gguf (or set LOCOOPERATOR_MODEL_PATH), or run "locooperator download" first.');
  }
  return { kind: 'embedded', modelPath: resolve(modelPath), threads: positiveInt(values.threads, '--threads'), contextSize };
}

/**
 * Opens the chosen model; `root` is what a scripted transcript's `${workspaceFolder}` stands for.
 * Aborting `signal` gives up loading the model or reaching the server.
 */
export async function openChosenModel(choice: ModelChoice, root: string, signal?: AbortSignal): Promise<OpenedModel> {
  switch (choice.kind) {
    case 'scripted':
      return loadScript(choice, root);
    case 'server':
      return openServer({ url: choice.url, kind: choice.serverKind, model: choice.model, contextSize: choice.contextSize, limitsMs: choice.limitsMs, signal });
    case 'embedded':
      return openModel({ ...choice, signal });
  }
}

/** The model of each call of a server that answers several (`mcp`), and how to let it go. */
export interface ModelPerCall {
  forCall(): Promise<ChatModel>;
  dispose(): Promise<void>;
}

/**
 * The model for each call of `mcp`: a script is read now (a wrong file is a usage error) and
 * replays from its first turn on every call, as each call is a conversation of its own; a model
 * or a server is opened on the first call, so that the MCP handshake is answered at once, and
 * again on the next call after an opening that failed.
 */
export async function modelPerCall(choice: ModelChoice, root: string): Promise<ModelPerCall> {
  if (choice.kind === 'scripted') {
    const script = await loadScript(choice, root);
    return { forCall: async () => script.replayed(), dispose: async () => {} };
  }
  let opening: Promise<OpenedModel> | undefined;
  const closing = new AbortController();
  return {
    forCall() {
      opening ??= openChosenModel(choice, root, closing.signal).catch((error: unknown) => {
        opening = undefined;
        throw error;
      });
      return opening;
    },
    async dispose() {
      closing.abort();
      const opened = await opening?.catch(() => undefined);
      await opened?.dispose?.();
    },
  };
}

async function loadScript(choice: Extract<ModelChoice, { kind: 'scripted' }>, root: string): Promise<ScriptedModel> {
  try {
    return await loadScriptedModel(choice.file, root, { contextSize: choice.contextSize });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
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
