import { z } from 'zod';
import { ServerKind, type ServerLimit } from './inferenceServer';

/** The smallest context window that may be asked for, by a setting or on the command line. */
export const MIN_CONTEXT_SIZE = 512;

/**
 * The extension's settings (`locooperator.*`), keyed by their names without the prefix. Settings
 * come from user and workspace files that anyone can edit, so each one is validated on its own:
 * an invalid value falls back to its default and is reported, without losing the valid ones.
 */
export const Settings = z.object({
  'model.path': z.string().max(4096).default(''),
  /** A quantisation name from the model catalog, e.g. Q4_K_M. */
  'model.variant': z
    .string()
    .regex(/^[A-Za-z0-9_]{1,32}$/)
    .default('Q4_K_M'),
  gpu: z.enum(['auto', 'off']).default('auto'),
  contextSize: z.union([z.literal('auto'), z.number().int().min(MIN_CONTEXT_SIZE).max(1_048_576)]).default('auto'),
  temperature: z.number().min(0).max(2).default(0.7),
  'maxTurns.quick': z.number().int().min(1).max(100).default(5),
  'maxTurns.medium': z.number().int().min(1).max(100).default(10),
  'maxTurns.thorough': z.number().int().min(1).max(100).default(20),
  /** 0 lets the engine choose from the number of cores. */
  threads: z.number().int().min(0).max(256).default(0),
  /** 0 keeps the model loaded. */
  idleUnloadMinutes: z.number().int().min(0).max(1440).default(15),
  /** When the model starts loading: at the first keystroke of a question, when the view opens, or only when asked. */
  'model.loadWhen': z.enum(['onType', 'onOpen', 'onAsk']).default('onType'),
  'search.respectFilesExclude': z.boolean().default(true),
  /** Where the model runs: in VS Code (embedded), or on a shared server of one of the ServerKinds. */
  backend: z.enum(['embedded', ...ServerKind.options]).default('embedded'),
  /** The shared server's address, e.g. http://gpu-box:8080 (the API key lives in SecretStorage, never here). */
  'server.url': z.string().max(2048).default(''),
  /** The model to ask the server for; needed by Ollama, optional elsewhere. */
  'server.model': z.string().max(512).default(''),
  /*
   * The limits of the three waits on a server (0 waits for ever); the CLI's defaults are these too.
   * Connecting, and the answer to a request that needs no model (who the server is, tokenizing):
   * a server on the network or over a VPN connects and answers those in well under a second, while
   * a host that drops packets would keep TCP retrying for about two minutes; 10 s leaves room for a
   * slow name lookup.
   */
  'server.connectTimeoutSeconds': z.number().int().min(0).max(3600).default(10),
  /*
   * Silence before the answer begins: the server may queue the request behind another user's, load
   * the model (Ollama), and reads the whole prompt before its first token, saying nothing meanwhile
   * (only llama-server reports progress). A model of LocoOperator-4B's shape reads about 15
   * tokens/s on two CPU threads (llama-bench pp512, Q4_K_M), so a turn that adds 4,000 tokens of
   * tool output takes 4–5 minutes there.
   */
  'server.firstTokenTimeoutSeconds': z.number().int().min(0).max(86_400).default(300),
  /*
   * Silence in the middle of an answer: a server that writes sends a token every second or so
   * even on two busy CPU threads (2–5 tokens/s measured), so two minutes without one means it
   * stopped or the network dropped.
   */
  'server.idleTimeoutSeconds': z.number().int().min(0).max(86_400).default(120),
});
export type Settings = z.infer<typeof Settings>;

export type SettingName = keyof Settings;

export const SETTING_NAMES = Object.keys(Settings.shape) as SettingName[];

/** The setting that sets the limit of each wait on a server. */
export const SERVER_LIMIT_SETTINGS = {
  connect: 'server.connectTimeoutSeconds',
  firstByte: 'server.firstTokenTimeoutSeconds',
  idle: 'server.idleTimeoutSeconds',
} as const satisfies Record<ServerLimit, SettingName>;

/** The limits of the waits on a server, in milliseconds (0 waits for ever). */
export function serverLimitsMs(settings: Settings): Record<ServerLimit, number> {
  return {
    connect: settings[SERVER_LIMIT_SETTINGS.connect] * 1000,
    firstByte: settings[SERVER_LIMIT_SETTINGS.firstByte] * 1000,
    idle: settings[SERVER_LIMIT_SETTINGS.idle] * 1000,
  };
}

export interface ParsedSettings {
  settings: Settings;
  /** One line per setting that was invalid and replaced by its default. */
  problems: string[];
}

/** Validates raw values (undefined = not set) one setting at a time. */
export function parseSettings(raw: Partial<Record<SettingName, unknown>>): ParsedSettings {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of SETTING_NAMES) {
    const schema = Settings.shape[name] as z.ZodType;
    const parsed = schema.safeParse(raw[name]);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      values[name] = schema.parse(undefined);
      const issue = parsed.error.issues[0]?.message ?? 'invalid value';
      problems.push(`locooperator.${name}: ${issue}; using the default ${JSON.stringify(values[name])}`);
    }
  }
  return { settings: values as Settings, problems };
}
