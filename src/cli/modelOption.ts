import { createModelClient, type ModelClient } from '../model/modelClient';

/**
 * Starts the embedded engine for `--model` and loads the file before the run starts, so that the
 * loop budgets against the context size the engine really allocated. Status goes to stderr.
 */
export async function openModel(options: { modelPath: string; threads?: number; contextSize?: number; signal?: AbortSignal }): Promise<ModelClient> {
  const client = createModelClient({
    modelPath: options.modelPath,
    threads: options.threads,
    contextSize: options.contextSize ?? 'auto',
    idleUnloadMs: 0,
    // Test hook: the engine tests make the tiny noise model write a given answer through
    // `locooperator ask`. Read here, in the CLI only, never by the extension host.
    grammar: process.env.LOCOOPERATOR_GRAMMAR || undefined,
  });
  // Stopping the engine is what ends a load that is no longer wanted.
  const stop = () => void client.dispose();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const status = await client.load();
    process.stderr.write(
      `model: ${options.modelPath} (${status.backend ?? 'unknown backend'}, context ${status.contextSize ?? '?'} tokens, ${status.threads ?? '?'} threads)\n`,
    );
  } catch (error) {
    await client.dispose();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  return client;
}
