import { describe, expect, it } from 'vitest';
import {
  askModelConfiguration,
  configurationSummary,
  DEFAULT_OLLAMA_MODEL,
  serverUrlProblem,
  settingsToWrite,
  type CurrentConfiguration,
  type InputStep,
  type ModelConfigurationUi,
  type PickStep,
} from '../../../src/app/modelConfiguration';
import { parseSettings } from '../../../src/protocol/settings';

/**
 * "Configure Model…" driven through a fake of VS Code's quick picks and input boxes: each answer
 * is given by the label of the item to pick (or the text to type), in order; `undefined` is the
 * user pressing Escape. Every step asked is recorded with what it offered.
 */
type Answer = string | undefined | { file: string | undefined };

function fakeUi(answers: Answer[]) {
  const asked: { kind: 'pick' | 'input' | 'file'; title: string; items?: string[]; value?: string; password?: boolean; step?: InputStep }[] = [];
  const next = () => {
    if (answers.length === 0) throw new Error(`no answer left for step ${asked.length}: ${JSON.stringify(asked.at(-1))}`);
    return answers.shift();
  };
  const ui: ModelConfigurationUi = {
    async pick<Id extends string>(step: PickStep<Id>) {
      asked.push({ kind: 'pick', title: step.title, items: step.items.map((item) => item.label + (item.description ? ` (${item.description})` : '')) });
      const answer = next();
      if (answer === undefined) return undefined;
      const item = step.items.find((candidate) => candidate.label === answer);
      if (!item) throw new Error(`"${String(answer)}" is not offered: ${step.items.map((candidate) => candidate.label).join(', ')}`);
      return item.id;
    },
    async input(step: InputStep) {
      asked.push({ kind: 'input', title: step.title, value: step.value, password: step.password, step });
      const answer = next();
      if (typeof answer === 'string' && step.validate?.(answer)) throw new Error(`the box would not accept "${answer}": ${step.validate(answer)}`);
      return answer as string | undefined;
    },
    async chooseModelFile() {
      asked.push({ kind: 'file', title: 'open dialog' });
      return (next() as { file: string | undefined }).file;
    },
  };
  return { ui, asked };
}

function current(overrides: Partial<CurrentConfiguration['settings']> = {}, more: Partial<CurrentConfiguration> = {}): CurrentConfiguration {
  const defaults = parseSettings({}).settings;
  return {
    settings: { backend: defaults.backend, 'model.path': defaults['model.path'], 'server.url': defaults['server.url'], 'server.model': defaults['server.model'], ...overrides },
    offer: 'LocoOperator-4B (Q4_K_M, 2.33 GB)',
    downloaded: false,
    hasSavedKey: async () => false,
    ...more,
  };
}

describe('Configure Model…', () => {
  it('sets up a llama-server: address, model, no key; the back-end is written last', async () => {
    const { ui, asked } = fakeUi(['llama-server', 'http://gpu-box:8080', '', 'No API key']);
    const configuration = await askModelConfiguration(ui, current());
    expect(configuration).toEqual({ backend: 'llama-server', url: 'http://gpu-box:8080', model: '', apiKey: { action: 'remove' } });
    expect(asked.map((step) => step.title)).toEqual([
      'LocoOperator: Configure Model — Back-end',
      'LocoOperator: Configure Model — Server Address',
      'LocoOperator: Configure Model — Server Model',
      'LocoOperator: Configure Model — API Key',
    ]);
    expect(asked[0]!.items).toEqual(['On this machine (current)', 'llama-server', 'OpenAI-compatible server', 'Ollama']);
    expect(settingsToWrite(configuration!)).toEqual([
      { name: 'server.url', value: 'http://gpu-box:8080' },
      { name: 'server.model', value: '' },
      { name: 'backend', value: 'llama-server' },
    ]);
    expect(configurationSummary(configuration!)).toBe('LocoOperator uses the llama-server at http://gpu-box:8080.');
  });

  it('checks the address before it goes on, with the reason', async () => {
    expect(serverUrlProblem('')).toBe('Enter the server address, e.g. http://gpu-box:8080.');
    expect(serverUrlProblem('ftp://gpu-box')).toBe('"ftp://gpu-box" is not an http:// or https:// URL.');
    expect(serverUrlProblem('http://gpu box:80')).toMatch(/is not a server URL/);
    expect(serverUrlProblem(' gpu-box:11434 ')).toBeUndefined();
    const { ui, asked } = fakeUi(['Ollama', undefined]);
    await askModelConfiguration(ui, current());
    expect(asked[1]!.step!.validate!('ftp://x')).toBe('"ftp://x" is not an http:// or https:// URL.');
  });

  it('asks Ollama for a model, offering the published build, and takes an API key as a password', async () => {
    const { ui, asked } = fakeUi(['Ollama', 'http://gpu-box:11434', DEFAULT_OLLAMA_MODEL, 'Enter an API key…', '  sk-team  ']);
    const configuration = await askModelConfiguration(ui, current());
    expect(asked[2]).toMatchObject({ value: DEFAULT_OLLAMA_MODEL });
    expect(asked[2]!.step!.validate!(' ')).toBe('Ollama needs a model name.');
    expect(asked[4]).toMatchObject({ kind: 'input', password: true });
    expect(configuration).toEqual({ backend: 'ollama', url: 'http://gpu-box:11434', model: DEFAULT_OLLAMA_MODEL, apiKey: { action: 'set', key: 'sk-team' } });
  });

  it('starts from the server configured now, and keeps a saved key for it unless told otherwise', async () => {
    const savedFor: string[] = [];
    const now = current(
      { backend: 'openai-compatible', 'server.url': 'http://gpu-box:8000/v1', 'server.model': 'loco' },
      { hasSavedKey: async (url) => (savedFor.push(url), url === 'http://gpu-box:8000/v1') },
    );
    const { ui, asked } = fakeUi(['OpenAI-compatible server', 'http://gpu-box:8000/v1', 'loco', 'Keep the saved API key']);
    const configuration = await askModelConfiguration(ui, now);
    expect(asked[0]!.items![2]).toBe('OpenAI-compatible server (current)');
    expect(asked[1]).toMatchObject({ value: 'http://gpu-box:8000/v1' });
    expect(asked[2]).toMatchObject({ value: 'loco' });
    expect(asked[3]!.items).toEqual(['Keep the saved API key', 'Enter a new API key…', 'Remove the saved API key']);
    expect(savedFor).toEqual(['http://gpu-box:8000/v1']);
    expect(configuration).toMatchObject({ apiKey: { action: 'keep' } });
  });

  it('offers to download the model on this machine, and clears a model file setting for it', async () => {
    const { ui, asked } = fakeUi(['On this machine', 'Download LocoOperator-4B (Q4_K_M, 2.33 GB)']);
    const configuration = await askModelConfiguration(ui, current({ backend: 'ollama', 'model.path': '/models/old.gguf' }));
    expect(asked[1]!.items).toEqual(['Keep the model file (/models/old.gguf)', 'Download LocoOperator-4B (Q4_K_M, 2.33 GB)', 'Choose a GGUF file…']);
    expect(configuration).toEqual({ backend: 'embedded', modelPath: '', download: true });
    expect(settingsToWrite(configuration!)).toEqual([
      { name: 'model.path', value: '' },
      { name: 'backend', value: 'embedded' },
    ]);
  });

  it('uses a GGUF file the user chooses, or a build already downloaded', async () => {
    const chosen = fakeUi(['On this machine', 'Choose a GGUF file…', { file: '/models/loco.gguf' }]);
    expect(await askModelConfiguration(chosen.ui, current())).toEqual({ backend: 'embedded', modelPath: '/models/loco.gguf', download: false });
    const downloaded = fakeUi(['On this machine', 'Use the downloaded LocoOperator-4B (Q4_K_M, 2.33 GB)']);
    expect(await askModelConfiguration(downloaded.ui, current({}, { downloaded: true }))).toEqual({ backend: 'embedded', modelPath: '', download: false });
    const kept = fakeUi(['On this machine', 'Keep the model file']);
    const keep = await askModelConfiguration(kept.ui, current({ 'model.path': '/models/mine.gguf' }));
    expect(settingsToWrite(keep!)).toEqual([{ name: 'backend', value: 'embedded' }]);
  });

  it('changes nothing when any step is cancelled', async () => {
    const cancels: Answer[][] = [
      [undefined],
      ['llama-server', undefined],
      ['llama-server', 'http://gpu-box:8080', undefined],
      ['llama-server', 'http://gpu-box:8080', '', undefined],
      ['llama-server', 'http://gpu-box:8080', '', 'Enter an API key…', undefined],
      ['On this machine', undefined],
      ['On this machine', 'Choose a GGUF file…', { file: undefined }],
    ];
    for (const answers of cancels) {
      const { ui } = fakeUi([...answers]);
      expect(await askModelConfiguration(ui, current())).toBeUndefined();
    }
  });
});
