import type { ServerKind } from '../../protocol/inferenceServer';
import type { SamplingOptions } from '../../protocol/prompt';

/**
 * The samplers the embedded engine does not run, each at its neutral value. A server that is not
 * told applies its own defaults (llama-server a min-p of 0.05, Ollama a repeat penalty of 1.1), so
 * the same model would answer differently on each back-end.
 */
const NEUTRAL = { min_p: 0, typical_p: 1, repeat_penalty: 1, presence_penalty: 0, frequency_penalty: 0 } as const;
/** llama.cpp's further samplers (llama-server, and the llama.cpp engines behind OpenAI-compatible servers such as LM Studio). */
const LLAMA_CPP_NEUTRAL = { dry_multiplier: 0, xtc_probability: 0 } as const;

/**
 * The sampling fields of a request to a server of `kind`: what the request asks for, and every
 * other sampler switched off under the names that server reads, so that all back-ends sample as
 * the embedded engine does. The names of temperature, top-p, top-k and seed are the same on all.
 */
export function serverSampling(kind: ServerKind, sampling: SamplingOptions): Record<string, number> {
  const asked = {
    temperature: sampling.temperature,
    top_p: sampling.topP,
    // Not in OpenAI's own API, but vLLM, LM Studio and llama-server take it.
    top_k: sampling.topK,
    ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
  };
  switch (kind) {
    case 'llama-server':
      return { ...asked, ...NEUTRAL, ...LLAMA_CPP_NEUTRAL };
    case 'openai-compatible':
      // vLLM calls the repeat penalty repetition_penalty; the others ignore what they do not know.
      return { ...asked, ...NEUTRAL, ...LLAMA_CPP_NEUTRAL, repetition_penalty: 1 };
    case 'ollama':
      return { ...asked, ...NEUTRAL };
  }
}
