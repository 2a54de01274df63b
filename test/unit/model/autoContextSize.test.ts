import { describe, expect, it } from 'vitest';
import { autoContextSize, MIN_AUTO_CONTEXT } from '../../../src/model/autoContextSize';

/** A ceiling a user may set: the window LocoOperator-4B's authors serve it with. */
const SERVED = 51_200;

/** LocoOperator-4B's f16 KV cache: 36 layers × 8 KV heads × (128 + 128) × 2 bytes. */
const KV_F16 = 36 * 8 * 256 * 2;
const GiB = 2 ** 30;

describe('autoContextSize', () => {
  it('gives the authors’ 51,200 tokens where half the available memory holds that cache', () => {
    // 51,200 × 144 KiB = 7.03 GiB of cache: 14.1 GiB available is enough.
    expect(autoContextSize({ availableBytes: 14.1 * GiB, kvBytesPerToken: KV_F16, maxContextSize: SERVED })).toBe(51_200);
    expect(autoContextSize({ availableBytes: 100 * GiB, kvBytesPerToken: KV_F16, maxContextSize: SERVED })).toBe(51_200);
  });

  it('takes at most half of the available memory, in whole thousands of tokens', () => {
    const size = autoContextSize({ availableBytes: 6 * GiB, kvBytesPerToken: KV_F16, maxContextSize: SERVED });
    expect(size * KV_F16).toBeLessThanOrEqual(3 * GiB);
    expect((size + 1024) * KV_F16).toBeGreaterThan(3 * GiB);
    expect(size % 1024).toBe(0);
    expect(size).toBe(21_504);
  });

  it('doubles the window when the cache type takes half the bytes', () => {
    const f16 = autoContextSize({ availableBytes: 4 * GiB, kvBytesPerToken: KV_F16, maxContextSize: SERVED });
    const half = autoContextSize({ availableBytes: 4 * GiB, kvBytesPerToken: KV_F16 / 2, maxContextSize: SERVED });
    expect(half).toBe(2 * f16);
  });

  it('never goes below the floor, even on a machine short of memory', () => {
    expect(autoContextSize({ availableBytes: 0.5 * GiB, kvBytesPerToken: KV_F16, maxContextSize: SERVED })).toBe(MIN_AUTO_CONTEXT);
  });

  it('never exceeds the ceiling, even when the ceiling is below the floor', () => {
    expect(autoContextSize({ availableBytes: 100 * GiB, kvBytesPerToken: KV_F16, maxContextSize: 16_384 })).toBe(16_384);
    expect(autoContextSize({ availableBytes: 100 * GiB, kvBytesPerToken: KV_F16, maxContextSize: 4096 })).toBe(4096);
    expect(autoContextSize({ availableBytes: 0, kvBytesPerToken: KV_F16, maxContextSize: 4096 })).toBe(4096);
  });
});
