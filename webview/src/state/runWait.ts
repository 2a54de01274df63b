import type { ModelStatus } from '../../../src/protocol/webview';
import { rootAgent, type AgentView, type RunTree } from './runTree';

/** What a running question waits for, said in its run while nothing else moves there. */
export interface RunWait {
  /** What it waits for, in words. */
  text: string;
  /** Which wait it is: the time shown counts from when this changes. */
  key: string;
  /** When the wait began, where the run says (the question was asked then); else when the view first saw it. */
  since?: number;
}

/**
 * The wait of the active run, from its events and the model's state: before the agent starts
 * (a model to download or select, a model loading or a server connecting), while the model loads
 * for it, and in each turn until the model writes its first words (reading the prompt, then
 * waiting for the first token). Undefined while text streams or tools run.
 */
export function runWait(tree: RunTree, model: ModelStatus | undefined): RunWait | undefined {
  const agent = rootAgent(tree);
  if (agent?.finished) return undefined;
  if (agent?.startedAt === undefined) return { key: 'start', since: tree.header.createdAt, text: beforeStart(model) };
  if (model?.state === 'loading') return { key: 'load', text: loading(model) };
  if (!waitsForModel(tree, agent)) return undefined;
  const text =
    model?.state === 'generating' && model.prefill !== undefined
      ? `Reading the prompt · ${Math.floor(model.prefill * 100)}%`
      : agent.turn <= 1
        ? 'Waiting for the model’s first token'
        : 'Waiting for the model to answer';
  return { key: `turn ${agent.turn}`, text };
}

function beforeStart(model: ModelStatus | undefined): string {
  switch (model?.state) {
    case 'notDownloaded':
      return 'Waiting for a model: download it or choose a GGUF file above. The question runs as soon as it is ready.';
    case 'downloading':
      return `Waiting for the model to download${model.totalBytes ? ` · ${Math.floor((100 * model.receivedBytes) / model.totalBytes)}%` : ''}`;
    case 'loading':
      return loading(model);
    case 'error':
      // A failed download or load leaves the question waiting: the panel above says what went wrong and offers the fixes.
      return 'Waiting for a model: see the problem above. The question runs as soon as a model is ready.';
    default:
      return 'Starting…';
  }
}

function loading(model: Extract<ModelStatus, { state: 'loading' }>): string {
  return `Loading ${model.modelName}${model.progress === undefined ? '' : ` · ${Math.floor(model.progress * 100)}%`}`;
}

/** The current turn has nothing from the model yet: no text, no tool call (items come in order, so the last one tells). */
function waitsForModel(tree: RunTree, agent: AgentView): boolean {
  const last = agent.items.at(-1);
  if (last === undefined) return true;
  const turn = last.kind === 'text' ? last.turn : tree.tools[last.callId]?.call?.turn;
  return turn !== Math.max(agent.turn, 1);
}
