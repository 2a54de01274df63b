import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { coresInCpuinfo, physicalCores } from '../../../src/model/cpuCores';

const cpu = (physical: number, core: number) => `processor\t: x\nphysical id\t: ${physical}\ncore id\t\t: ${core}\nflags\t\t: fpu\n`;

describe('physical cores', () => {
  it('counts each (package, core) pair of /proc/cpuinfo once, so hyper-threads do not count', () => {
    const twoCoresFourThreads = [cpu(0, 0), cpu(0, 1), cpu(0, 0), cpu(0, 1)].join('\n');
    expect(coresInCpuinfo(twoCoresFourThreads)).toBe(2);
    expect(coresInCpuinfo([cpu(0, 0), cpu(1, 0)].join('\n'))).toBe(2);
    expect(coresInCpuinfo('processor\t: 0\nmodel name\t: ARM\n')).toBeUndefined();
    expect(coresInCpuinfo(undefined)).toBeUndefined();
  });

  it('gives at least one thread and never more than the logical processors', () => {
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(physicalCores()).toBeLessThanOrEqual(availableParallelism());
  });
});
