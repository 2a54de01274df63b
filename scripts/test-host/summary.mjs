// Test counts each runner leaves in test-results/SUITE/summary.json, so that `test:vscode` can
// close with one total for both suites.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir } from './hostPaths.mjs';

const summaryFile = (suite) => join(resultsDir, suite, 'summary.json');

/** @param {{ passed: number, failed: number, skipped: number }} counts */
export function writeSummary(suite, counts) {
  mkdirSync(join(resultsDir, suite), { recursive: true });
  writeFileSync(summaryFile(suite), JSON.stringify(counts));
}

export function clearSummaries(suites) {
  for (const suite of suites) rmSync(summaryFile(suite), { force: true });
}

/** The sum over the suites that reported; undefined when none did. */
export function readSummaries(suites) {
  const reported = suites.filter((suite) => existsSync(summaryFile(suite)));
  if (reported.length === 0) return undefined;
  return reported
    .map((suite) => JSON.parse(readFileSync(summaryFile(suite), 'utf8')))
    .reduce((sum, counts) => ({
      passed: sum.passed + counts.passed,
      failed: sum.failed + counts.failed,
      skipped: sum.skipped + counts.skipped,
    }));
}
