import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGgufHeader } from '../../../src/model/gguf';
import { SAME_SHAPE } from '../../fakes/sameShapeGguf';
import { ggufLayout, QWEN3_CHAT_TEMPLATE } from '../../fakes/tinyGguf';

/** LocoOperator-4B's published facts (../shared/design/FACTS.md), checked on the header alone. */
describe('the same-shape LocoOperator-4B', () => {
  it('has the real model\'s architecture, dimensions, vocabulary, special tokens and chat template', async () => {
    const layout = ggufLayout(SAME_SHAPE);
    const size = layout.header.length + layout.tensors.reduce((sum, t) => sum + Math.ceil(t.bytes / 32) * 32, 0);
    expect(size / 1e9).toBeCloseTo(8.05, 1);
    const dir = await mkdtemp(path.join(tmpdir(), 'loco-same-shape-'));
    try {
      // The header, then a hole as long as the weights: a sparse file, written in milliseconds.
      const file = path.join(dir, 'same-shape.gguf');
      await writeFile(file, layout.header);
      await truncate(file, size);
      const { metadata, expectedSize } = await readGgufHeader(file);
      expect(expectedSize).toBe(size);
      expect(Object.fromEntries([...metadata].filter(([key]) => key.startsWith('qwen3.') || key === 'general.architecture'))).toEqual({
        'general.architecture': 'qwen3',
        'qwen3.context_length': 262_144,
        'qwen3.embedding_length': 2560,
        'qwen3.block_count': 36,
        'qwen3.feed_forward_length': 9728,
        'qwen3.attention.head_count': 32,
        'qwen3.attention.head_count_kv': 8,
        'qwen3.attention.key_length': 128,
        'qwen3.attention.value_length': 128,
        'qwen3.rope.freq_base': 5_000_000,
        'qwen3.attention.layer_norm_rms_epsilon': expect.closeTo(1e-6, 9),
      });
      expect(metadata.get('tokenizer.ggml.tokens')).toBe(151_936);
      expect(metadata.get('tokenizer.ggml.eos_token_id')).toBe(151_645);
      expect(metadata.get('tokenizer.ggml.padding_token_id')).toBe(151_643);
      expect(metadata.get('tokenizer.chat_template')).toBe(QWEN3_CHAT_TEMPLATE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const names = layout.tensors.map((t) => t.name);
    expect(names.filter((n) => n.endsWith('.attn_q.weight'))).toHaveLength(36);
    expect(names).not.toContain('output.weight');
    const byName = new Map(layout.tensors.map((t) => [t.name, t.dims]));
    expect(byName.get('token_embd.weight')).toEqual([2560, 151_936]);
    expect(byName.get('blk.35.attn_q.weight')).toEqual([2560, 4096]);
    expect(byName.get('blk.0.attn_k.weight')).toEqual([2560, 1024]);
    expect(byName.get('blk.0.attn_v.weight')).toEqual([2560, 1024]);
    expect(byName.get('blk.0.attn_output.weight')).toEqual([4096, 2560]);
    expect(byName.get('blk.0.ffn_up.weight')).toEqual([2560, 9728]);
    expect(byName.get('blk.0.ffn_down.weight')).toEqual([9728, 2560]);
    expect(byName.get('blk.0.attn_q_norm.weight')).toEqual([128]);
    const params = layout.tensors.reduce((sum, t) => sum + t.count, 0);
    expect(params / 1e9).toBeCloseTo(4.02, 2);
  });
});
