import { baseUrl } from '../model/server/serverHttp';
import type { ServerKind } from '../protocol/inferenceServer';
import type { SettingName, Settings } from '../protocol/settings';

/**
 * The steps of "Configure Model…": which back-end answers, and for it the model file, or the
 * server's address, model and API key. Editor-free: the questions go through `ModelConfigurationUi`
 * (quick picks and input boxes in VS Code, a fake in tests), and the answer is a value that the
 * adapter writes. Nothing is written until every step is answered; a cancelled step changes nothing.
 */
export type Backend = Settings['backend'];

export interface Choice<Id extends string> {
  id: Id;
  label: string;
  description?: string;
  detail?: string;
}

export interface PickStep<Id extends string> {
  title: string;
  placeholder: string;
  items: Choice<Id>[];
}

export interface InputStep {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  /** A message for a value that cannot be used, else undefined. */
  validate?(value: string): string | undefined;
}

export interface ModelConfigurationUi {
  /** Resolves with the picked item's id, or undefined when the user cancels. */
  pick<Id extends string>(step: PickStep<Id>): Promise<Id | undefined>;
  /** Resolves with the text entered, or undefined when the user cancels. */
  input(step: InputStep): Promise<string | undefined>;
  /** Lets the user choose a GGUF file and checks it; undefined when cancelled or unusable. */
  chooseModelFile(): Promise<string | undefined>;
}

/** What is configured now, to start each step from. */
export interface CurrentConfiguration {
  settings: Pick<Settings, 'backend' | 'model.path' | 'server.url' | 'server.model'>;
  /** The default build as Download offers it, e.g. 'LocoOperator-4B (Q4_K_M, 2.33 GB)'. */
  offer: string;
  /** Whether that build has been downloaded already. */
  downloaded: boolean;
  /** Whether an API key is saved for the server at this URL. */
  hasSavedKey(url: string): Promise<boolean>;
}

export type ApiKeyChange = { action: 'keep' } | { action: 'remove' } | { action: 'set'; key: string };

export type ModelConfiguration =
  | {
      backend: 'embedded';
      /** The file to use; '' is the downloaded default build; undefined keeps the current setting. */
      modelPath?: string;
      /** Start downloading the default build once saved. */
      download: boolean;
    }
  | { backend: ServerKind; url: string; model: string; apiKey: ApiKeyChange };

const title = (step: string) => `LocoOperator: Configure Model — ${step}`;

const BACKENDS: Choice<Backend>[] = [
  { id: 'embedded', label: 'On this machine', detail: 'LocoOperator-4B runs inside VS Code with llama.cpp (a GGUF file, downloaded or your own).' },
  { id: 'llama-server', label: 'llama-server', detail: "A shared llama.cpp server: prompts go as token ids and reuse the server's prompt cache." },
  { id: 'openai-compatible', label: 'OpenAI-compatible server', detail: 'vLLM, LM Studio and others, through the raw /v1/completions endpoint.' },
  { id: 'ollama', label: 'Ollama', detail: 'An Ollama server, through /api/generate with raw prompts.' },
];

const EXAMPLE_URLS: Record<ServerKind, string> = {
  'llama-server': 'http://gpu-box:8080',
  'openai-compatible': 'http://gpu-box:8000/v1',
  ollama: 'http://gpu-box:11434',
};

/** The model Ollama is asked for when none is set: the published GGUF build. */
export const DEFAULT_OLLAMA_MODEL = 'hf.co/LocoreMind/LocoOperator-4B-GGUF:Q4_K_M';

/** Asks the steps in order; undefined when the user cancels any of them. */
export async function askModelConfiguration(ui: ModelConfigurationUi, current: CurrentConfiguration): Promise<ModelConfiguration | undefined> {
  const now = current.settings.backend;
  const backend = await ui.pick({
    title: title('Back-end'),
    placeholder: 'Where should the model run?',
    items: BACKENDS.map((choice) => (choice.id === now ? { ...choice, description: 'current' } : choice)),
  });
  if (backend === undefined) return undefined;
  return backend === 'embedded' ? askModelFile(ui, current) : askServer(ui, current, backend);
}

async function askModelFile(ui: ModelConfigurationUi, current: CurrentConfiguration): Promise<ModelConfiguration | undefined> {
  const configured = current.settings['model.path'].trim();
  const items: Choice<'keep' | 'downloaded' | 'download' | 'file'>[] = [];
  if (configured) items.push({ id: 'keep', label: 'Keep the model file', description: configured });
  items.push(
    current.downloaded
      ? { id: 'downloaded', label: `Use the downloaded ${current.offer}` }
      : { id: 'download', label: `Download ${current.offer}`, detail: "Into VS Code's storage on this machine, with progress; it resumes if interrupted." },
    { id: 'file', label: 'Choose a GGUF file…', detail: 'A LocoOperator-4B build you have already.' },
  );
  const choice = await ui.pick({ title: title('Model File'), placeholder: 'Which model file?', items });
  switch (choice) {
    case undefined:
      return undefined;
    case 'keep':
      return { backend: 'embedded', download: false };
    case 'downloaded':
      return { backend: 'embedded', modelPath: '', download: false };
    case 'download':
      return { backend: 'embedded', modelPath: '', download: true };
    case 'file': {
      const file = await ui.chooseModelFile();
      return file === undefined ? undefined : { backend: 'embedded', modelPath: file, download: false };
    }
  }
}

async function askServer(ui: ModelConfigurationUi, current: CurrentConfiguration, kind: ServerKind): Promise<ModelConfiguration | undefined> {
  const url = await ui.input({
    title: title('Server Address'),
    prompt: `The address of the ${BACKENDS.find((choice) => choice.id === kind)!.label}`,
    value: current.settings['server.url'],
    placeholder: `e.g. ${EXAMPLE_URLS[kind]}`,
    validate: serverUrlProblem,
  });
  if (url === undefined) return undefined;

  const sameKind = current.settings.backend === kind;
  const model = await ui.input({
    title: title('Server Model'),
    prompt: kind === 'ollama' ? 'The model to ask Ollama for' : 'The model to ask for (leave empty for the model the server serves)',
    value: sameKind ? current.settings['server.model'] : kind === 'ollama' ? DEFAULT_OLLAMA_MODEL : '',
    placeholder: kind === 'ollama' ? DEFAULT_OLLAMA_MODEL : 'the model the server serves',
    validate: kind === 'ollama' ? (value) => (value.trim() ? undefined : 'Ollama needs a model name.') : undefined,
  });
  if (model === undefined) return undefined;

  const apiKey = await askApiKey(ui, await current.hasSavedKey(url.trim()));
  if (apiKey === undefined) return undefined;
  return { backend: kind, url: url.trim(), model: model.trim(), apiKey };
}

async function askApiKey(ui: ModelConfigurationUi, saved: boolean): Promise<ApiKeyChange | undefined> {
  const step = title('API Key');
  const items: Choice<ApiKeyChange['action']>[] = saved
    ? [
        { id: 'keep', label: 'Keep the saved API key' },
        { id: 'set', label: 'Enter a new API key…' },
        { id: 'remove', label: 'Remove the saved API key', detail: 'The server needs none.' },
      ]
    : [
        { id: 'remove', label: 'No API key', detail: 'The server needs none.' },
        { id: 'set', label: 'Enter an API key…', detail: "Kept in VS Code's secret storage, for this server only; never in settings." },
      ];
  const action = await ui.pick({ title: step, placeholder: 'Does the server need an API key?', items });
  if (action !== 'set') return action === undefined ? undefined : { action };
  const key = await ui.input({
    title: step,
    prompt: "The server's API key, kept in VS Code's secret storage",
    password: true,
    validate: (value) => (value.trim() ? undefined : 'Enter the key, or press Escape.'),
  });
  return key === undefined ? undefined : { action: 'set', key: key.trim() };
}

/** Why `value` is not a server address, or undefined when it is one. */
export function serverUrlProblem(value: string): string | undefined {
  if (!value.trim()) return 'Enter the server address, e.g. http://gpu-box:8080.';
  try {
    baseUrl(value.trim());
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The settings a configuration writes, in the order to write them: the back-end last, so that a
 * change of server is never tried with the new kind and the old address.
 */
export function settingsToWrite(configuration: ModelConfiguration): { name: SettingName; value: string }[] {
  if (configuration.backend === 'embedded') {
    return [...(configuration.modelPath === undefined ? [] : [{ name: 'model.path' as const, value: configuration.modelPath }]), { name: 'backend', value: 'embedded' }];
  }
  return [
    { name: 'server.url', value: configuration.url },
    { name: 'server.model', value: configuration.model },
    { name: 'backend', value: configuration.backend },
  ];
}

/** How the chosen back-end reads in the message that confirms it. */
export function configurationSummary(configuration: ModelConfiguration): string {
  if (configuration.backend === 'embedded') {
    if (configuration.download) return 'LocoOperator runs the model on this machine once the download has finished.';
    return configuration.modelPath ? `LocoOperator runs ${configuration.modelPath} on this machine.` : 'LocoOperator runs the model on this machine.';
  }
  const label = BACKENDS.find((choice) => choice.id === configuration.backend)!.label;
  const model = configuration.model ? ` (model ${configuration.model})` : '';
  return `LocoOperator uses the ${label} at ${configuration.url}${model}.`;
}
