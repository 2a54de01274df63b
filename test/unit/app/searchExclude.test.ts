import { describe, expect, it } from 'vitest';
import { excludedGlobs } from '../../../src/app/searchExclude';

describe('excludedGlobs', () => {
  it('keeps the globs that files.exclude turns on', () => {
    expect(excludedGlobs({ '**/.git': true, '**/dist': true, '**/out': false, '**/*.js': { when: '$(basename).ts' } })).toEqual(['**/.git', '**/dist']);
  });

  it('ignores a setting that is not an object', () => {
    expect(excludedGlobs('**/dist')).toEqual([]);
    expect(excludedGlobs(undefined)).toEqual([]);
  });
});
