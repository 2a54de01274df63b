import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ChatModel } from '../protocol/chatModel';
import {
  ModelToHost,
  type GpuChoice,
  type HostToModel,
  type ModelHostStatus,
  type ResolvedSampling,
} from '../protocol/modelHost';
import { CompletionRequest, type CompletionResult } from '../protocol/prompt';
import { validateModelFile } from './modelFile';
import { physicalCores } from './cpuCores';
import { AUTO_MAX_CONTEXT } from './autoContextSize';

export interface ModelClientOptions {
  modelPath: string;
  /** A fixed window in tokens, or 'auto' (default): the largest up to `maxContextSize` that fits. */
  contextSize?: number | 'auto';
  /** Upper bound for 'auto'; defaults to 16,384, the length LocoOperator-4B was trained on (autoContextSize.ts). */
  maxContextSize?: number;
  /** CPU threads for llama.cpp; never more than the machine's cores. */
  threads?: number;
  gpu?: GpuChoice;
  /** Stop the model host (freeing its memory) after this long without a request; 0 keeps it. */
  idleUnloadMs?: number;
  /** false evaluates every prompt from scratch (the benchmark's baseline). */
  reuseCache?: boolean;
  /**
   * A GBNF grammar that every generation must follow, for tests that need a tool call from a
   * model that writes noise. Not for normal use: only an explicit option, never the environment.
   */
  grammar?: string;
  /** How long one prefill chunk should take; a cancel during prefill waits about one chunk. */
  prefillChunkTargetMs?: number;
  /** The bundled model host script; defaults to model-host.mjs beside this bundle. */
  hostScript?: string;
  onStatus?(status: ModelHostStatus): void;
  /** Lines the model host writes to stderr (llama.cpp warnings, crash reports). */
  onLog?(line: string): void;
}

export interface CompleteOptions {
  signal: AbortSignal;
  onText?: (chunk: string) => void;
  /** Prefill progress: tokens evaluated so far out of those that need evaluating. */
  onProgress?: (evaluated: number, total: number) => void;
}

export interface ModelClient extends ChatModel {
  complete(request: CompletionRequest, options: CompleteOptions): Promise<CompletionResult>;
  /** Starts the host and loads the model now (otherwise the first request does). */
  load(): Promise<ModelHostStatus>;
  status(): ModelHostStatus;
  dispose(): Promise<void>;
}

/** The model host died while a request was in flight. The next request starts a new host. */
export class ModelHostCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelHostCrashedError';
  }
}

/** The model host sent a message outside the protocol; it is stopped and the next request starts a new one. */
export class ModelHostProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelHostProtocolError';
  }
}

const DEFAULT_IDLE_UNLOAD_MS = 10 * 60_000;
const STDERR_LINES_KEPT = 20;


interface Pending {
  resolve(message: ModelToHost): void;
  reject(error: Error): void;
  onMessage?(message: ModelToHost): void;
}

interface Host {
  child: ChildProcess;
  pending: Map<string, Pending>;
  /** Set when this process stops the host on purpose, so its exit is not a crash. */
  stopping: boolean;
  /** Why this process stopped the host when the host broke the protocol. */
  protocolError?: ModelHostProtocolError;
  stderr: string[];
}

export function createModelClient(options: ModelClientOptions): ModelClient {
  const threads = Math.max(1, Math.min(options.threads ?? physicalCores(), availableParallelism()));
  const hostScript = options.hostScript ?? path.join(__dirname, 'model-host.mjs');
  const idleUnloadMs = options.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS;
  let current: ModelHostStatus = { state: 'stopped', modelPath: options.modelPath, threads };
  let host: Host | undefined;
  let loading: Promise<ModelHostStatus> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 0;
  let disposed = false;

  function setStatus(status: ModelHostStatus): void {
    current = { ...status, modelPath: status.modelPath ?? options.modelPath };
    options.onStatus?.(current);
  }

  function startHost(): Host {
    const child = fork(hostScript, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      // Inside VS Code the runtime is Electron; this makes the child a plain Node process.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const started: Host = { child, pending: new Map(), stopping: false, stderr: [] };
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (data: string) => {
      const lines = (partial + data).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        started.stderr.push(line);
        if (started.stderr.length > STDERR_LINES_KEPT) started.stderr.shift();
        options.onLog?.(line);
      }
    });
    child.on('message', (raw) => {
      const parsed = ModelToHost.safeParse(raw);
      if (!parsed.success) {
        // A request it answered wrongly would never settle: stop trusting this host altogether.
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ');
        const error = new ModelHostProtocolError(`The model host sent an invalid message (${issues.slice(0, 300)}). The next request starts a new one.`);
        options.onLog?.(error.message);
        if (started.protocolError) return;
        started.protocolError = error;
        for (const pending of started.pending.values()) pending.reject(error);
        started.pending.clear();
        if (host === started) setStatus({ state: 'crashed', threads, error: error.message });
        stopHost(started);
        return;
      }
      const message = parsed.data;
      const pending = message.id === undefined ? undefined : started.pending.get(message.id);
      if (message.type === 'model/status' && message.id === undefined && host === started) setStatus(message.status);
      if (!pending) return;
      if (message.type === 'generate/chunk' || message.type === 'generate/progress') {
        pending.onMessage?.(message);
        return;
      }
      started.pending.delete(message.id!);
      pending.resolve(message);
    });
    child.on('error', (error) => options.onLog?.(`model host process error: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (host === started) host = undefined;
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      const lastWords = started.stderr.filter((line) => line.trim() !== '').slice(-3).join(' | ');
      const error =
        started.protocolError ??
        (started.stopping
          ? new Error('The model was unloaded before the request finished.')
          : new ModelHostCrashedError(
              `The model host stopped unexpectedly (${how})${lastWords ? `: ${lastWords}` : ''}. The next request starts a new one.`,
            ));
      for (const pending of started.pending.values()) pending.reject(error);
      started.pending.clear();
      // A host stopped earlier may exit after its successor started: the status is the successor's.
      if (host !== undefined || started.protocolError) return;
      if (started.stopping) {
        if (current.state !== 'unloaded') setStatus({ state: 'stopped', threads });
      } else {
        setStatus({ state: 'crashed', threads, error: error.message });
      }
    });
    return started;
  }

  function request(target: Host, message: HostToModel, onMessage?: (m: ModelToHost) => void): Promise<ModelToHost> {
    return new Promise((resolve, reject) => {
      target.pending.set(message.id, { resolve, reject, onMessage });
      target.child.send(message, (error) => {
        if (error && target.pending.delete(message.id)) {
          reject(new ModelHostCrashedError(`Could not reach the model host: ${error.message}`));
        }
      });
    });
  }

  function stopHost(target: Host): void {
    if (host === target) host = undefined;
    target.stopping = true;
    if (target.child.connected) target.child.disconnect();
    // A host stuck in native code does not see the disconnect; do not leave it behind.
    setTimeout(() => target.child.exitCode === null && target.child.signalCode === null && target.child.kill('SIGKILL'), 3000).unref();
  }

  async function loadNow(): Promise<ModelHostStatus> {
    if (host && (current.state === 'ready' || current.state === 'generating')) return current;
    const maxContextSize = options.maxContextSize ?? AUTO_MAX_CONTEXT;
    const fixed = typeof options.contextSize === 'number' ? options.contextSize : undefined;
    const info = await validateModelFile(options.modelPath, { contextSize: fixed });
    setStatus({ state: 'starting', threads });
    const started = host ?? startHost();
    host = started;
    setStatus({ state: 'loading', threads, pid: started.child.pid });
    const reply = await request(started, {
      type: 'model/load',
      id: String(nextId++),
      modelPath: options.modelPath,
      contextSize: fixed ?? 'auto',
      maxContextSize: Math.min(maxContextSize, info.contextLength),
      kvBytesPerToken: info.kvBytesPerToken,
      threads,
      gpu: options.gpu ?? 'auto',
      grammar: options.grammar,
      prefillChunkTargetMs: options.prefillChunkTargetMs,
    });
    if (reply.type === 'request/error') {
      stopHost(started);
      setStatus({ state: 'stopped', threads, error: reply.message });
      throw new Error(`Could not load ${options.modelPath}: ${reply.message}`);
    }
    if (reply.type !== 'model/status') throw new Error(`Unexpected reply from the model host: ${reply.type}`);
    setStatus(reply.status);
    return current;
  }

  function load(): Promise<ModelHostStatus> {
    if (disposed) return Promise.reject(new Error('The model client has been disposed.'));
    loading ??= loadNow().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  /** A cancel during a slow load returns at once; the load itself carries on for the next request. */
  async function loadUnlessAborted(signal: AbortSignal): Promise<'loaded' | 'aborted'> {
    if (signal.aborted) return 'aborted';
    let onAbort = () => {};
    const aborted = new Promise<'aborted'>((resolve) => (onAbort = () => resolve('aborted')));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([load().then(() => 'loaded' as const), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  function armIdleUnload(): void {
    clearTimeout(idleTimer);
    if (idleUnloadMs <= 0) return;
    idleTimer = setTimeout(() => {
      const target = host;
      if (!target || target.pending.size > 0) return;
      setStatus({ state: 'unloaded', threads });
      stopHost(target);
    }, idleUnloadMs);
    idleTimer.unref();
  }

  async function run(request_: CompletionRequest, { signal, onText, onProgress }: CompleteOptions): Promise<CompletionResult> {
    const cancelled: CompletionResult = { text: '', stopReason: 'cancelled', promptTokens: 0, evaluatedTokens: 0, completionTokens: 0 };
    if (signal.aborted) return cancelled;
    clearTimeout(idleTimer);
    const parsed = CompletionRequest.parse(request_);
    try {
      if ((await loadUnlessAborted(signal)) === 'aborted') return cancelled;
      const target = host;
      if (!target) throw new ModelHostCrashedError('The model host stopped before the request could start.');
      const id = String(nextId++);
      const sampling: ResolvedSampling = parsed.sampling;
      const cancel = () => {
        if (target.child.connected) target.child.send({ type: 'generate/cancel', id } satisfies HostToModel);
      };
      signal.addEventListener('abort', cancel, { once: true });
      setStatus({ ...current, state: 'generating' });
      try {
        const reply = await request(
          target,
          { type: 'generate/start', id, prompt: parsed.prompt, sampling, reuseCache: options.reuseCache ?? true },
          (message) => {
            if (message.type === 'generate/chunk') onText?.(message.text);
            else if (message.type === 'generate/progress') onProgress?.(message.evaluated, message.total);
          },
        );
        if (reply.type === 'request/error') throw new Error(reply.message);
        if (reply.type !== 'generate/done') throw new Error(`Unexpected reply from the model host: ${reply.type}`);
        // Current before the caller sees the result: the meter's change is this turn's count.
        if (host === target) setStatus({ ...current, tokenMeter: reply.tokenMeter });
        return reply.result;
      } finally {
        signal.removeEventListener('abort', cancel);
        if (host === target) setStatus({ ...current, state: 'ready' });
      }
    } finally {
      armIdleUnload();
    }
  }

  return {
    get contextSize() {
      if (current.contextSize !== undefined) return current.contextSize;
      return typeof options.contextSize === 'number' ? options.contextSize : (options.maxContextSize ?? AUTO_MAX_CONTEXT);
    },
    async prepare(signal) {
      // A load ahead of a question (the user still typing) that no question follows is unloaded like an idle model.
      if ((await loadUnlessAborted(signal)) === 'loaded' && host?.pending.size === 0) armIdleUnload();
    },
    complete(request_, completeOptions) {
      if (disposed) return Promise.reject(new Error('The model client has been disposed.'));
      // One generation at a time: the host has one sequence, and the KV cache follows one conversation.
      const next = queue.then(() => run(request_, completeOptions));
      queue = next.catch(() => undefined);
      return next;
    },
    load,
    status: () => current,
    async dispose() {
      disposed = true;
      clearTimeout(idleTimer);
      const target = host;
      host = undefined;
      if (target && target.child.exitCode === null && target.child.signalCode === null) {
        const exited = new Promise<void>((resolve) => target.child.once('exit', () => resolve()));
        stopHost(target);
        await exited;
      }
    },
  };
}
