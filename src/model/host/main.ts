/**
 * The model host: a child process that owns llama.cpp, so that a native abort or the gigabytes a
 * model needs never touch the process that forked it. It speaks the HostToModel / ModelToHost
 * protocol over the Node IPC channel and exits when that channel closes.
 */
import { HostToModel, type ModelHostStatus, type ModelToHost } from '../../protocol/modelHost';
import { ContextOverflowError, Engine, type EngineOptions } from './engine';

let engine: Engine | undefined;
let loading: Promise<Engine> | undefined;
let generation: { id: string; abort: AbortController; finished: Promise<void> } | undefined;
/** How far the load in progress has come (0..1), for the status bar's "loading 45%". */
let loadProgress: number | undefined;

/** Load progress is sent at most this often, or when it advanced this far, and always at the end. */
const LOAD_PROGRESS_INTERVAL_MS = 100;
const LOAD_PROGRESS_STEP = 0.05;

function send(message: ModelToHost): void {
  process.send?.(message);
}

function status(): ModelHostStatus {
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  if (!engine) return loading ? { state: 'loading', loadProgress, peakRssBytes, pid: process.pid } : { state: 'unloaded', peakRssBytes, pid: process.pid };
  return {
    state: generation ? 'generating' : 'ready',
    modelPath: engine.options.modelPath,
    backend: engine.backend,
    contextSize: engine.contextSize,
    threads: engine.threads,
    tokenMeter: engine.tokenMeter,
    peakRssBytes,
    pid: process.pid,
  };
}

function sameOptions(a: EngineOptions, b: EngineOptions): boolean {
  return (Object.keys(a) as Array<keyof EngineOptions>).every((key) => a[key] === b[key]);
}

async function load(id: string, options: EngineOptions): Promise<void> {
  if (generation) {
    send({ type: 'request/error', id, code: 'busy', message: 'A generation is running; cancel it before loading.' });
    return;
  }
  if (engine && sameOptions(engine.options, options)) {
    send({ type: 'model/status', id, status: status() });
    return;
  }
  await unload();
  try {
    let sentAt = 0;
    let sent = 0;
    loading = Engine.load(options, (progress) => {
      loadProgress = Math.min(1, Math.max(0, progress));
      const now = Date.now();
      if (loadProgress < 1 && now - sentAt < LOAD_PROGRESS_INTERVAL_MS && loadProgress - sent < LOAD_PROGRESS_STEP) return;
      sentAt = now;
      sent = loadProgress;
      // Unsolicited, so the client forwards it as a status change.
      send({ type: 'model/status', status: status() });
    });
    engine = await loading;
    send({ type: 'model/status', id, status: status() });
  } catch (error) {
    send({ type: 'request/error', id, code: 'loadFailed', message: (error as Error).message });
  } finally {
    loading = undefined;
    loadProgress = undefined;
  }
}

/** Frees the model; a running generation is cancelled and finishes first (native code may hold it). */
async function unload(): Promise<void> {
  if (generation) {
    generation.abort.abort();
    await generation.finished;
  }
  const current = engine;
  engine = undefined;
  await current?.dispose();
}

async function generate(message: Extract<HostToModel, { type: 'generate/start' }>): Promise<void> {
  const { id } = message;
  if (!engine) {
    send({ type: 'request/error', id, code: 'notLoaded', message: 'No model is loaded.' });
    return;
  }
  if (generation) {
    send({ type: 'request/error', id, code: 'busy', message: 'Another generation is running.' });
    return;
  }
  const abort = new AbortController();
  let finish = () => {};
  generation = { id, abort, finished: new Promise((resolve) => (finish = resolve)) };
  try {
    const result = await engine.generate(message.prompt, message.sampling, {
      reuseCache: message.reuseCache,
      signal: abort.signal,
      onText: (text) => send({ type: 'generate/chunk', id, text }),
      onProgress: (evaluated, total) => send({ type: 'generate/progress', id, evaluated, total }),
    });
    send({ type: 'generate/done', id, result, tokenMeter: engine.tokenMeter });
  } catch (error) {
    const code = error instanceof ContextOverflowError ? 'contextOverflow' : 'generateFailed';
    send({ type: 'request/error', id, code, message: (error as Error).message });
  } finally {
    generation = undefined;
    finish();
    // Unsolicited: keeps the client's view of memory and state current.
    send({ type: 'model/status', status: status() });
  }
}

process.on('message', (raw) => {
  const parsed = HostToModel.safeParse(raw);
  if (!parsed.success) {
    // Answered, so that the request does not wait for ever; the id is echoed when there is one.
    const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ');
    send({ type: 'request/error', id, code: 'badRequest', message: `Invalid request (${issues.slice(0, 300)}).` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'model/load': {
      const { id, type: _type, ...options } = message;
      void load(id, options);
      break;
    }
    case 'generate/start':
      void generate(message);
      break;
    case 'generate/cancel':
      if (generation?.id === message.id) generation.abort.abort();
      break;
    case 'model/unload':
      void unload().then(() => send({ type: 'model/status', id: message.id, status: status() }));
      break;
    case 'model/status':
      send({ type: 'model/status', id: message.id, status: status() });
      break;
  }
});

// The parent is gone (or closed the channel): nothing can use this process any more.
process.on('disconnect', () => process.exit(0));
