import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'test/engine/**/*.test.ts', 'test/packaging/**/*.test.ts'],
    // The Bash tool's worker thread runs from a bundle; build it once per run.
    globalSetup: ['test/setup/bashWorker.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: tools and the engine spawn processes; keep the suite from starving itself.
    maxWorkers: 2,
  },
});
