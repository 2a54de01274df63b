import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rgPath } from '@vscode/ripgrep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../fakes/fixtureWorkspace';
import { makeLinkedWorkspace, runBash } from './workspace';

/**
 * Benign exploration lines, run both by the tool and by real bash with GNU tools on the same
 * fixture copy. `sorted` compares the lines as a set: GNU find and grep -r walk directories in
 * the file system's order, ripgrep in parallel, while the tool lists paths in sorted order.
 */
type Mode = 'exact' | 'sorted' | 'long';

const CASES: ReadonlyArray<readonly [Mode, string]> = [
  ["exact", 'ls'],
  ["exact", 'ls -F'],
  ["exact", 'ls -a'],
  ["exact", 'ls -A'],
  ["exact", 'ls -1 src/server'],
  ["exact", 'ls -F src/server'],
  ["exact", 'ls docs web'],
  ["exact", 'ls -R src'],
  ["exact", 'ls *.md'],
  ["exact", 'ls src/server/*.py'],
  ["exact", 'cat README.md'],
  ["exact", 'cat -n pyproject.toml'],
  ["exact", 'cat README.md | head -5'],
  ["exact", 'head -5 README.md'],
  ["exact", 'head -n 3 src/server/app.py'],
  ["exact", 'head -c 50 README.md'],
  ["exact", 'tail -3 README.md'],
  ["exact", 'tail -n +3 src/server/config.py'],
  ["exact", 'wc -l README.md'],
  ["exact", 'wc -l src/server/*.py'],
  ["exact", 'wc -w README.md'],
  ["exact", 'wc -c README.md'],
  ["exact", 'cat src/server/app.py | wc -l'],
  ["sorted", 'find . -name \'*.py\''],
  ["sorted", 'find . -name \'*.py\' | head -20'],
  ["sorted", 'find src -type f'],
  ["sorted", 'find . -type d'],
  ["sorted", 'find . -maxdepth 1'],
  ["exact", 'find . -name \'*.ts\' -not -path \'./node_modules/*\''],
  ["exact", 'find . -path ./node_modules -prune -o -name \'*.js\' -print'],
  ["exact", 'find src -name \'__init__.py\' -empty'],
  ["sorted", 'grep -rn create_app .'],
  ["exact", 'grep -rn create_app src/'],
  ["exact", 'grep -rn create_app src'],
  ["sorted", 'grep -rl create_app .'],
  ["sorted", 'grep -rc create_app src'],
  ["exact", 'grep -n def src/server/app.py'],
  ["exact", 'grep -c def src/server/routes.py'],
  ["exact", 'grep -i flask README.md'],
  ["sorted", 'grep -rn --include=\'*.py\' create_app .'],
  ["sorted", 'grep -rn create_app --exclude-dir=node_modules .'],
  ["sorted", 'grep -rw app src'],
  ["exact", 'grep -v \'^#\' pyproject.toml'],
  ["sorted", 'grep -E \'def (create|get)_\' -rn src'],
  ["exact", 'grep -o \'def [a-z_]*\' src/server/routes.py'],
  ["exact", 'grep -A2 \'def create_app\' src/server/app.py'],
  ["exact", 'grep -B1 -C1 \'import\' src/server/app.py'],
  ["sorted", 'rg create_app'],
  ["sorted", 'rg -n create_app src'],
  ["sorted", 'rg -l create_app'],
  ["sorted", 'rg --files src'],
  ["sorted", 'sort README.md'],
  ["exact", 'sort -r src/server/app.py | head -3'],
  ["exact", 'grep -h import src/server/*.py | sort | uniq -c'],
  ["exact", 'grep -h import src/server/*.py | sort -u'],
  ["exact", 'cut -d= -f1 pyproject.toml'],
  ["exact", 'cut -c1-10 README.md'],
  ["exact", 'tr a-z A-Z < pyproject.toml'],
  ["exact", 'cat pyproject.toml | tr -d \' \''],
  ["exact", 'basename src/server/app.py .py'],
  ["exact", 'dirname src/server/app.py'],
  ["exact", 'realpath README.md'],
  ["exact", 'pwd'],
  ["exact", 'cd src && pwd'],
  ["exact", 'cd src/server && ls'],
  ["exact", 'echo hello world'],
  ["exact", 'printf \'%s\\n\' a b c'],
  ["exact", 'sed -n \'1,5p\' README.md'],
  ["exact", 'sed -n \'3p\' src/server/app.py'],
  ["exact", 'stat -c \'%s %n\' README.md'],
  ["exact", 'tree -L 2'],
  ["exact", 'tree src'],
  ["exact", 'tree -L 1 web'],
  ["exact", 'ls -la | wc -l'],
  ["exact", 'find . -name \'*.py\' | wc -l'],
  ["sorted", 'grep -rn TODO . || echo none'],
  ["exact", 'grep -q create_app README.md && echo found'],
  ["exact", 'uniq -c README.md | head -3'],
  ["exact", 'head -20 web/package.json'],
  ["exact", 'tail -n 5 .github/workflows/ci.yml'],
  ["exact", 'ls -a .github/workflows'],
  ["exact", 'cat .gitignore'],
  ["exact", 'wc README.md'],
  ["exact", 'wc -lw README.md pyproject.toml'],
  ["exact", 'cat README.md | wc'],
  ["exact", 'ls README.md docs pyproject.toml src'],
  ["exact", 'ls -d docs src'],
  ["exact", 'ls -F docs src README.md'],
  ["exact", 'tree -L 2 .'],
  ["exact", 'tree -d'],
  ["exact", 'tree -a .github'],
  ["exact", 'tree -F -L 1'],
  ["exact", 'tree --dirsfirst -L 1'],
  ["exact", 'tree -I \'node_modules|build\' -L 2'],
  ["exact", 'tree -P \'*.py\' src'],
  ["exact", 'tree -f src'],
  ["sorted", 'grep -rn \'def \\(create\\|get\\)_\' src'],
  ["sorted", 'grep -rni \'TASK\' --include=\'*.py\' src'],
  ["sorted", 'grep -rlw app .'],
  ["sorted", 'grep -rc import src'],
  ["sorted", 'grep -r -A1 \'def create_app\' src'],
  ["sorted", 'grep -rnE \'^(from|import) \' src tests'],
  ["sorted", 'grep -rno \'create_[a-z]*\' src tests'],
  ["sorted", 'grep -rLi flask src tests'],
  ["exact", 'grep -rh create_app tests'],
  ["exact", 'diff README.md docs/architecture.md || echo differ'],
  ["exact", 'diff src/server/routes.py src/server/models.py || echo differ'],
  ["exact", 'diff tests/test_routes.py tests/conftest.py || echo differ'],
  ["exact", 'diff src/server/app.py src/server/config.py || echo differ'],
  ["exact", 'diff -i README.md README.md && echo same'],
  ["exact", 'diff -q README.md pyproject.toml || echo differ'],
  ["exact", 'diff -s README.md README.md'],
  // xargs and find -exec running listed commands
  ["exact", "find src -name '*.py' | sort | xargs wc -l"],
  ["exact", "find src -name '*.py' | sort | xargs grep -l create_app"],
  ["sorted", "find src tests -name '*.py' -print0 | xargs -0 grep -c def"],
  ["exact", 'ls src/server | xargs -n1 echo'],
  ["exact", "find src -name '*.py' | sort | xargs -I{} wc -l {}"],
  ["exact", 'ls src/server | xargs -I {} echo file: {}'],
  ["sorted", "find . -name '*.py' | xargs grep -l create_app"],
  ["sorted", "git ls-files 2>/dev/null | xargs wc -l 2>/dev/null || echo not a repository"],
  ["sorted", "find src -name '*.py' -exec wc -l {} +"],
  ["sorted", "find . -name '*.py' -exec grep -l create_app {} \\;"],
  ["sorted", "find src -type f -exec grep -n 'def ' {} +"],
  // command substitution of listed commands
  ["exact", "wc -l $(find src -name '*.py' | sort)"],
  ["exact", 'cat $(find . -name pyproject.toml)'],
  ["exact", 'grep -n def $(find src -name app.py)'],
  ["exact", 'head -3 `find src -name config.py`'],
  ["exact", 'echo "$(ls src)"'],
  // awk that prints
  ["exact", "awk '{print $1}' pyproject.toml"],
  ["exact", "awk -F= '{print $1}' pyproject.toml"],
  ["exact", "awk 'NR==2' README.md"],
  ["exact", "awk 'length($0) > 20' README.md"],
  ["exact", "awk '/def /{print FILENAME \": \" $0}' src/server/app.py"],
  ["exact", "awk '{n++} END {print n}' src/server/routes.py"],
  ["exact", "awk -F'\"' '/version/ {print $2}' pyproject.toml"],
  ["exact", "awk 'NR>=2 && NR<=4 {print NR \": \" $0}' README.md"],
  ["exact", "awk -v x=3 'NR<=x' README.md"],
  ["exact", "awk '{ s += length($0) } END { print s }' pyproject.toml"],
  ["exact", "grep -c def src/server/*.py | awk -F: '{s+=$2} END {print s}'"],
  // sed to standard output
  ["exact", "sed 's/flask/Flask/g' pyproject.toml"],
  ["exact", "sed -n '/def /p' src/server/app.py"],
  ["exact", "sed -E 's/^def ([a-z_]+).*/\\1/' src/server/routes.py"],
  ["exact", "sed -n '2,4p;6p' README.md"],
  ["exact", "sed '/^\\[/d' pyproject.toml"],
  ["exact", "sed -n '$p' README.md"],
  ["exact", "sed -e 's/a/A/' -e 's/e/E/' pyproject.toml"],
  ["exact", "sed 's/ *$//' README.md | head -3"],
  // jq
  ["exact", 'jq .name web/package.json'],
  ["exact", 'jq -r .version web/package.json'],
  ["exact", "jq '.scripts | keys' web/package.json"],
  ["exact", 'jq -c . web/package.json'],
  ["exact", "jq -r '.scripts.build' web/package.json"],
  // $PWD, which, true/false, stderr redirections
  ["exact", 'echo $PWD'],
  ["exact", 'cd src && echo "$PWD"'],
  ["exact", 'ls "$PWD"/docs'],
  ["exact", 'which ls grep'],
  ["exact", 'true && echo ok'],
  ["exact", 'false || echo fallback'],
  ["exact", 'ls nosuch 2>/dev/null || echo missing'],
  ["exact", 'grep -rn create_app src 2>/dev/null'],
  ["exact", 'cat README.md 2>&1 | head -3'],
];

/**
 * Benign lines over links, folders of files of many sizes and an empty folder (makeLinkedWorkspace).
 * `long` compares each entry of a long listing by type, size and name (owners, dates and block
 * totals are the machine's). Lines starting with `tree` compare with outputs GNU tree recorded.
 */
const LINKED_CASES: ReadonlyArray<readonly [Mode, string]> = [
  // ls names a link to a folder as the link with -l, -d or -F, unless a trailing / follows it
  ['long', 'ls -la src-link'],
  ['long', 'ls -l readme-link'],
  ['long', 'ls -ld src-link'],
  ['long', 'ls -la src-link/'],
  ['long', 'ls -l readme-link src-link docs'],
  ['long', 'ls -la vendor'],
  ['exact', 'ls -F src-link'],
  ['exact', 'ls -d src-link'],
  ['exact', 'ls src-link'],
  ['exact', 'ls -F readme-link src-link docs'],
  // realpath resolves links as the kernel does
  ['exact', 'realpath src-link'],
  ['exact', 'realpath readme-link src/app-link.py'],
  ['exact', 'cd src-link && realpath ..'],
  ['exact', 'realpath -s src-link/server'],
  ['exact', 'realpath src-link/../README.md'],
  // du counts blocks on disk, in GNU's units
  ['exact', 'du -sh'],
  ['exact', 'du -sh src docs'],
  ['exact', 'du -sb sizes'],
  ['exact', 'du -c src docs'],
  ['exact', 'du --si -s .'],
  ['exact', 'du -s src-link'],
  ['exact', 'du -sh sizes/*'],
  ['exact', 'du -sh --apparent-size sizes/*'],
  ['exact', 'du -s --si --apparent-size sizes/*'],
  ['exact', 'du -sk src && du -sm sizes'],
  ['sorted', 'du -h src'],
  ['sorted', 'du -ah --apparent-size sizes'],
  ['sorted', 'du -hd1'],
  ['sorted', 'du -a src'],
  // find lists links as links and does not follow them
  ['sorted', 'find . -type l'],
  ['sorted', "find . -type l -name '*link*'"],
  ['sorted', 'find src-link src-link/'],
  ['sorted', 'find . -empty'],
  ['sorted', 'find . -maxdepth 1 -type d'],
  ['sorted', "find . -type d -name 's*'"],
  ['sorted', "find . \\( -name '*.md' -o -type l \\) -not -path './vendor/*'"],
  ['exact', "find . -type f -name '*.py' | wc -l"],
  ['exact', 'find . | wc -l'],
  // patterns that end in a slash match folders only
  ['exact', 'ls -d */'],
  ['exact', 'echo src/*/'],
  ['exact', 'echo */'],
  ['exact', 'ls -d src/*/ web/*/'],
  ['exact', 'echo nothing*/'],
  // ls -R
  ['exact', 'ls -R src'],
  ['exact', 'ls -RF src'],
  ['exact', 'ls -Ra docs'],
  ['exact', 'ls -R src-link'],
  ['exact', 'ls -R | wc -l'],
  // rg -a searches binary files as text
  ['sorted', 'rg -a create_app src'],
  ['sorted', 'rg -a -l PNG web'],
  // tree
  ['exact', 'tree src'],
  ['exact', 'tree -F src'],
  ['exact', 'tree src-link'],
  ['exact', 'tree --dirsfirst -L 1 src'],
];

/** Programs that a fresh machine may lack; their lines are skipped there (CI installs jq). */
const OPTIONAL_TOOLS = ['jq'];

function installed(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MISSING = OPTIONAL_TOOLS.filter((tool) => !installed(tool));

function runnable(cases: ReadonlyArray<readonly [Mode, string]>): ReadonlyArray<readonly [Mode, string]> {
  return cases.filter(([, command]) => !MISSING.some((tool) => new RegExp(`\\b${tool}\\b`).test(command)));
}

/** GNU tree is not installed everywhere; its output on the fixture, and on the linked one, was recorded. */
const TREE = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/bash/tree-outputs.json'), 'utf8')) as {
  outputs: Record<string, string>;
  linkedOutputs: Record<string, string>;
};

/** The tool's shaping of stdout: no leading blank lines, no trailing whitespace. */
function asToolOutput(stdout: string): string {
  return stdout.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd() || '(Bash completed with no output)';
}

function realBash(command: string, cwd: string, binDir: string, recordedTree = TREE.outputs): string {
  if (command.startsWith('tree')) {
    const recorded = recordedTree[command];
    if (recorded === undefined) throw new Error(`no recorded tree output for ${command}`);
    return recorded;
  }
  return execFileSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, LC_ALL: 'C.UTF-8', HOME: cwd },
  });
}

/** A folder holding the real `rg` for the reference side: the same binary the product ships. */
function referenceBin(): string {
  const binDir = mkdtempSync(path.join(tmpdir(), 'loco-bin-'));
  symlinkSync(rgPath, path.join(binDir, 'rg'));
  return binDir;
}

function expectLikeGnu(mode: Mode, output: string, expected: string): void {
  if (mode === 'exact') expect(output).toBe(expected);
  else if (mode === 'long') expect(longEntries(output)).toEqual(longEntries(expected));
  else expect(output.split('\n').sort()).toEqual(expected.split('\n').sort());
}

/** Checks recorded tree outputs against GNU tree where it is installed. */
function expectRecordedTree(recorded: Record<string, string>, root: string, binDir: string): void {
  if (!installed('tree')) return;
  for (const [command, output] of Object.entries(recorded)) {
    expect(realBash(command.replace(/^tree/, 'command tree'), root, binDir)).toBe(output);
  }
}

/** A long listing's entries by type, size (but a folder's) and name: owners, dates and block totals are the machine's. */
function longEntries(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('total'))
    .map((line) => line.split(/ +/))
    .map((fields) => `${fields[0]![0]} ${fields[0]![0] === 'd' ? '' : fields[4]} ${fields.slice(8).join(' ')}`);
}

describe('benign commands match real bash and GNU tools', () => {
  let fixture: FixtureWorkspace;
  let binDir: string;

  beforeAll(async () => {
    fixture = await makeFixtureWorkspace();
    binDir = referenceBin();
  });
  afterAll(async () => {
    await fixture.cleanup();
    rmSync(binDir, { recursive: true, force: true });
  });

  it('covers at least 40 lines', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(runnable(CASES))('%s: %s', async (mode, command) => {
    const expected = asToolOutput(realBash(command, fixture.root, binDir));
    const result = await runBash(fixture.root, { command });
    expect(result.status).toBe('done');
    expectLikeGnu(mode, result.output, expected);
  });

  it('prints diff -u like GNU diff, apart from the timestamps GNU adds to the header', async () => {
    const command = 'diff -u README.md docs/architecture.md || echo differ';
    const expected = asToolOutput(realBash(command, fixture.root, binDir)).replace(/^(---|\+\+\+) (\S+)\t.*$/gm, '$1 $2');
    const result = await runBash(fixture.root, { command });
    expect(result.output).toBe(expected);
  });

  it('lists symbolic links as links in a long listing, with their targets, as GNU ls -la does', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'loco-links-'));
    try {
      mkdirSync(path.join(root, 'sub'));
      writeFileSync(path.join(root, 'a.txt'), 'hi\n');
      symlinkSync('a.txt', path.join(root, 'link'));
      symlinkSync('sub', path.join(root, 'dirlink'));
      symlinkSync('/etc/passwd', path.join(root, 'outside'));
      symlinkSync('missing', path.join(root, 'dangling'));
      const result = await runBash(root, { command: 'ls -la' });
      expect(longEntries(result.output)).toEqual(longEntries(asToolOutput(realBash('ls -la', root, binDir))));
      expect(result.output).toContain(' outside -> /etc/passwd');
      expect(result.output).not.toContain('root:');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('records tree output that the installed GNU tree still produces', () => {
    expectRecordedTree(TREE.outputs, fixture.root, binDir);
  });
});

describe('benign commands over links, sizes and empty folders match real bash and GNU tools', () => {
  let fixture: FixtureWorkspace;
  let binDir: string;

  beforeAll(async () => {
    fixture = await makeLinkedWorkspace();
    binDir = referenceBin();
  });
  afterAll(async () => {
    await fixture.cleanup();
    rmSync(binDir, { recursive: true, force: true });
  });

  it.each(runnable(LINKED_CASES))('%s: %s', async (mode, command) => {
    const expected = asToolOutput(realBash(command, fixture.root, binDir, TREE.linkedOutputs));
    const result = await runBash(fixture.root, { command });
    expect(result.status).toBe('done');
    expectLikeGnu(mode, result.output, expected);
  });

  it('records tree output that the installed GNU tree still produces', () => {
    expectRecordedTree(TREE.linkedOutputs, fixture.root, binDir);
  });
});
