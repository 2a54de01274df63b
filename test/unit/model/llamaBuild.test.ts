import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLlamaBuild } from '../../../src/model/host/llamaBuild';
import type { GpuChoice } from '../../../src/protocol/modelHost';

describe('which llama.cpp build the model host loads', () => {
  it("asks for node-llama-cpp's choice, and falls back to the CPU build when the GPU build fails to start", async () => {
    const asked: GpuChoice[] = [];
    const logged: string[] = [];
    const load = async (gpu: GpuChoice) => {
      asked.push(gpu);
      if (gpu !== false) throw new Error('vk::createInstance: ErrorIncompatibleDriver');
      return 'cpu build';
    };
    expect(await loadLlamaBuild(load, 'auto', (line) => logged.push(line))).toBe('cpu build');
    expect(asked).toEqual(['auto', false]);
    expect(logged).toEqual(['GPU back-end unavailable, using the CPU: vk::createInstance: ErrorIncompatibleDriver']);
  });

  it('gives the CPU build\'s own failure when the GPU is off', async () => {
    const load = async () => {
      throw new Error('no CPU build for this machine');
    };
    await expect(loadLlamaBuild(load, false, () => {})).rejects.toThrow('no CPU build for this machine');
  });

  /**
   * The rule `auto` stands for is node-llama-cpp's, of the exact version package-lock.json pins;
   * this reads it from that version's own module with each platform named, so that an upgrade
   * that changes it fails here. Only Apple silicon is decided by the platform alone: elsewhere the
   * library looks for the Vulkan loader (and CUDA) on the machine, and this one has neither a
   * Windows nor a Mac's, which leaves the CPU build.
   */
  it('is Metal on Apple silicon, Vulkan where its loader is, the CPU build otherwise', async () => {
    const module = path.resolve('node_modules/node-llama-cpp/dist/bindings/utils/getBestComputeLayersAvailable.js');
    const { detectBestComputeLayersAvailable } = (await import(pathToFileURL(module).href)) as {
      detectBestComputeLayersAvailable(options: { platform: string; arch: string }): Promise<(string | false)[]>;
    };
    const detectModule = path.resolve('node_modules/node-llama-cpp/dist/bindings/utils/detectAvailableComputeLayers.js');
    const { detectAvailableComputeLayers } = (await import(pathToFileURL(detectModule).href)) as {
      detectAvailableComputeLayers(options: { platform: string }): Promise<{ vulkan: boolean }>;
    };
    expect(await detectBestComputeLayersAvailable({ platform: 'mac', arch: 'arm64' })).toEqual(['metal']);
    expect(await detectBestComputeLayersAvailable({ platform: 'mac', arch: 'x64' })).toEqual([false]);
    expect(await detectBestComputeLayersAvailable({ platform: 'win', arch: 'x64' })).toEqual([false]);
    const here = await detectBestComputeLayersAvailable({ platform: 'linux', arch: 'x64' });
    expect(here.at(-1)).toBe(false);
    expect(here.includes('vulkan')).toBe((await detectAvailableComputeLayers({ platform: 'linux' })).vulkan);
    expect(here.includes('metal')).toBe(false);
  });
});
