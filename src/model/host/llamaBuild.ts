import type { GpuChoice } from '../../protocol/modelHost';

/**
 * Which llama.cpp build the model host loads. `auto` leaves the choice to node-llama-cpp, which
 * picks by platform and by the libraries it finds: Metal on Apple silicon, CUDA where the NVIDIA
 * driver and runtime are installed, Vulkan where its loader is, and its CPU build otherwise
 * (test/unit/model/llamaBuild.test.ts pins that rule of the version we ship). A GPU build that
 * then fails to start (a driver too old, a build the package does not hold) is no reason to give
 * up: the CPU build is loaded instead and the reason logged. With the GPU off (`false`), a
 * failure is the answer.
 */
export async function loadLlamaBuild<T>(load: (gpu: GpuChoice) => Promise<T>, gpu: GpuChoice, log: (line: string) => void): Promise<T> {
  try {
    return await load(gpu);
  } catch (error) {
    if (gpu === false) throw error;
    log(`GPU back-end unavailable, using the CPU: ${(error as Error).message}`);
    return load(false);
  }
}
