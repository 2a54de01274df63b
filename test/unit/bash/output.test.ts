import { describe, expect, it } from 'vitest';
import { translatePattern } from '../../../src/tools/bash/shell/grepTranslation';
import { capOutput, formatOutput, MAX_OUTPUT_CHARS } from '../../../src/tools/bash/worker/output';

describe('Bash output text', () => {
  it('drops leading blank lines and trailing whitespace, keeps leading spaces, then adds stderr', () => {
    expect(formatOutput('\n  \n M a.py\n\n', 'warning: x\n', 0, 'git')).toBe(' M a.py\nwarning: x');
  });

  it('puts the exit code, stderr, then stdout first on failure', () => {
    expect(formatOutput('partial\n', 'cat: x: No such file or directory\n', 1, 'cat')).toBe(
      'Exit code 1\ncat: x: No such file or directory\npartial',
    );
  });

  it.each(['grep', 'rg', 'find', 'diff', 'test'])('treats %s exiting 1 as a normal result', (command) => {
    expect(formatOutput('', '', 1, command)).toBe('(Bash completed with no output)');
    expect(formatOutput('', 'err\n', 2, command)).toBe('Exit code 2\nerr');
  });

  it('says when there is no output', () => {
    expect(formatOutput('\n\n', '', 0, 'ls')).toBe('(Bash completed with no output)');
  });

  it('keeps the first 30000 characters and counts the lines cut', () => {
    const text = `${'x'.repeat(MAX_OUTPUT_CHARS - 1)}\nrest1\nrest2`;
    expect(capOutput(text)).toBe(`${'x'.repeat(MAX_OUTPUT_CHARS - 1)}\n\n\n... [2 lines truncated] ...`);
    expect(capOutput('short')).toBe('short');
  });
});

describe('GNU regular expressions in ripgrep syntax', () => {
  it.each([
    ['def \\(create\\|get\\)_', 'basic', 'def (create|get)_'],
    ['a+b?{x}', 'basic', 'a\\+b\\?\\{x\\}'],
    ['x\\{2,3\\}', 'basic', 'x{2,3}'],
    ['*star', 'basic', '\\*star'],
    ['\\<word\\>', 'basic', '\\bword\\b'],
    ['[[:alpha:]]+[0-9]', 'extended', '[[:alpha:]]+[0-9]'],
    ['^(from|import) ', 'extended', '^(from|import) '],
    ['a.b', 'fixed', 'a.b'],
  ] as const)('translates %j (%s) to %j', (pattern, syntax, expected) => {
    expect(translatePattern(pattern, syntax)).toBe(expected);
  });

  it.each([
    ['\\(a\\)\\1', 'basic'],
    ['a^b', 'basic'],
    ['a$b', 'extended'],
    ['[a[b]', 'extended'],
    ['[a\\]', 'basic'],
    ['\\d', 'extended'],
    ['a{', 'extended'],
  ] as const)('leaves %j (%s) to the simulated grep', (pattern, syntax) => {
    expect(translatePattern(pattern, syntax)).toBeUndefined();
  });
});
