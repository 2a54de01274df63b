import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * How many threads llama.cpp gets by default: the physical cores. A second hyper-thread on a core
 * adds nothing to matrix work and contends for the same units; fewer threads than cores leaves
 * speed unused (measured at LocoOperator-4B's size on two cores: prefill nearly doubles from one
 * thread to two). On Apple silicon, the performance cores only: the efficiency cores slow every
 * step down to their pace.
 */
export function physicalCores(): number {
  const logical = availableParallelism();
  const counted = process.platform === 'linux' ? coresInCpuinfo(readText('/proc/cpuinfo')) : process.platform === 'darwin' ? macPerformanceCores() : undefined;
  return Math.max(1, Math.min(counted ?? logical, logical));
}

/** Distinct (physical package, core) pairs in /proc/cpuinfo; undefined when it does not say. */
export function coresInCpuinfo(cpuinfo: string | undefined): number | undefined {
  if (!cpuinfo) return undefined;
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (core === undefined) continue;
    cores.add(`${/^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0'}:${core}`);
  }
  return cores.size > 0 ? cores.size : undefined;
}

function macPerformanceCores(): number | undefined {
  for (const key of ['hw.perflevel0.physicalcpu', 'hw.physicalcpu']) {
    try {
      const value = Number(execFileSync('sysctl', ['-n', key], { encoding: 'utf8', timeout: 2000 }).trim());
      if (Number.isInteger(value) && value > 0) return value;
    } catch {
      // not this key on this Mac
    }
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
