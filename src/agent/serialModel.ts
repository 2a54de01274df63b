import type { ChatModel } from '../protocol/chatModel';

/**
 * One model, one completion at a time: a sub-agent started by a Task call waits until the parent's
 * generation finishes instead of interleaving with it on the same engine.
 */
export function serialModel(model: ChatModel): ChatModel {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get contextSize() {
      return model.contextSize;
    },
    prepare: (signal) => model.prepare(signal),
    complete(request, options) {
      const result = queue.then(() => model.complete(request, options));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
