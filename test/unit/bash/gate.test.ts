import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'just-bash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../../src/tools/bash/gate/commandLine';
import { globMatches } from '../../../src/tools/bash/gate/globs';
import { expandWord } from '../../../src/tools/bash/gate/words';

describe('the Bash gate', () => {
  let root: string;
  const verdict = (command: string, cwd = root) => checkCommand(command, cwd, [root]);
  const reason = (command: string) => {
    const result = verdict(command);
    return result.allowed ? 'ALLOWED' : result.reason;
  };

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(tmpdir(), 'loco-gate-')));
    await mkdir(path.join(root, 'src'));
    await writeFile(path.join(root, 'src', 'app.py'), 'print(1)\n');
    await mkdir(path.join(root, 'odd'));
    await writeFile(path.join(root, 'odd', '-delete'), '');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    'ls -F',
    `ls -F ${'ROOT'}`,
    "find . -name '*.py' | head -20",
    'grep -rn foo src/',
    'cat src/app.py | head -50',
    'wc -l src/app.py',
    'tree -L 2',
    'git log --oneline -5',
    'git log --oneline HEAD~3..HEAD',
    'git diff HEAD~1 -- src',
    'git branch --list',
    'git log -n5 --stat --author=me --since="2 weeks ago" -- src',
    'git log -p -S create_app --follow -- src/app.py',
    "git log --graph --all --decorate --pretty=format:'%h %an %s'",
    'git show -s --format=%H HEAD~1',
    'git show HEAD~1:src/app.py',
    'git diff --staged --name-status',
    'git diff --word-diff -U5 HEAD~2 HEAD -- src',
    'git status -sb',
    'git status -uno --porcelain=v1',
    'git blame -L 1,5 -w src/app.py',
    'git grep -n -e print -- src',
    'git grep -iwc print',
    'git ls-files -m -o --exclude-standard',
    'git rev-parse --abbrev-ref HEAD',
    'git branch -vv -a',
    // Optional values: attached only, never the next word.
    'git diff -M50% --stat=80 --color-moved HEAD~1 -- src',
    'ls 2>/dev/null',
    'grep -rn foo . 2>&1 | head',
    'cd src && ls && cd .. && pwd',
    "sed -n '10,20p' src/app.py",
    "sed -n '5p' src/app.py",
    'echo "a b" \'c\'',
    "printf '%s\\n' a b",
    'grep -e -x src/app.py',
    "find . -name '*.py' -not -path './node_modules/*'",
    'ls src/*.py',
    'ls ./odd/*',
    'sort src/app.py | uniq -c | sort -rn | head',
    'wc -l < src/app.py',
    'rg -n --glob "*.py" print',
    'ls -la; pwd',
    'grep -q x src/app.py || echo none',
    `cat ${'ROOT'}/src/app.py`,
    // commands that run listed commands, substitution and the safe variable
    'find . -name "*.py" | xargs wc -l',
    'find . -name "*.py" -print0 | xargs -0 grep -l print',
    'ls | xargs -n1 echo',
    'find src -name "*.py" | xargs -I{} wc -l {}',
    'find . -name "*.py" -exec wc -l {} +',
    'find . -name "*.py" -exec grep -l print {} \\;',
    'wc -l $(find src -name "*.py")',
    'cat "$(find . -name app.py)"',
    'wc -l `find src -name "*.py"`',
    'echo $PWD',
    'echo "${PWD}"',
    'ls $PWD/src',
    'which ls grep',
    'true',
    'false || echo no',
    // awk, sed, jq that only print
    "awk '{print $1}' src/app.py",
    "awk -F: -v n=2 'NR > n { print ($1 > 5), $2 }' src/app.py",
    "awk 'length > 80' src/app.py",
    "awk '/print/ {c++} END {print c}' src/app.py",
    "awk '{ s += $1 } END { printf \"%d\\n\", s / NR }' src/app.py",
    "sed 's/a/b/g' src/app.py",
    "sed -E 's#(a|b)/x#\\1#2p;3q' src/app.py",
    "sed -n -e '/start/,/end/p' -e '$=' src/app.py",
    "sed '/^#/d; s/ *$//' src/app.py",
    "sed -n '1~2p' src/app.py",
    "sed ':a;N;$!ba;s/\\n/ /g' src/app.py",
    "jq -r '.name' src/app.py",
    "jq --arg x y '.[] | select(.env == $x) | \"\\(.name) \\(.version)\"' src/app.py",
  ])('allows %j', (command) => {
    expect(reason(command.replaceAll('ROOT', root))).toBe('ALLOWED');
  });

  it('explains each refusal in one actionable line', () => {
    expect(reason('rm -rf src')).toMatch(/^`rm` is not available \(it deletes files\); available commands: ls cat /);
    expect(reason('sort --out=x src/app.py')).toBe('sort --out is refused: it writes files');
    expect(reason('find . -exec sh -c id {} +')).toBe('find -exec can run only the listed commands (not `sh`), e.g. find -exec grep -l PATTERN');
    expect(reason('cat /etc/hostname')).toBe(`/etc/hostname is outside the workspace (${root}); only files inside it can be read`);
    expect(reason('ls > out')).toContain('only 2>/dev/null and 2>&1 are accepted');
    expect(reason('grep -P')).toBe('grep: give a pattern, e.g. grep -rn PATTERN DIR');
    expect(reason("sed 's/a/b/w out' src/app.py")).toBe('s///w it writes files; sed here prints its result to standard output');
    expect(reason('cd src; ls -d */')).toContain('after a cd that may fail is not supported here; run the cd on its own first');
    expect(reason('ls --frobnicate')).toMatch(/^ls: option --frobnicate is not allowed here \(allowed: -a -A /);
  });

  it('writes a pattern ending in a slash out as the directories it matches, slash kept, as bash expands it', async () => {
    await mkdir(path.join(root, 'slash', 'sub', 'inner'), { recursive: true });
    await writeFile(path.join(root, 'slash', 'file'), '');
    const { symlink } = await import('node:fs/promises');
    await symlink('sub', path.join(root, 'slash', 'link-in'));
    await symlink(tmpdir(), path.join(root, 'slash', 'link-out'));
    const dir = path.join(root, 'slash');
    // Files do not match; a link to a folder inside does; where a link out leads is never looked at.
    expect(verdict('ls -d */ && echo x', dir)).toMatchObject({ allowed: true, command: 'ls -d "link-in/" "sub/" && echo x' });
    expect(verdict('echo sub/*/ $(echo */)', dir)).toMatchObject({ allowed: true, command: 'echo "sub/inner/" $(echo "link-in/" "sub/")' });
    // No match: bash passes the word as written.
    expect(verdict('echo none*/', dir)).toMatchObject({ allowed: true, command: 'echo "none*/"' });
    // A line without such a pattern runs as the model wrote it.
    expect(verdict('echo *  ;  echo */x', dir)).toMatchObject({ allowed: true, command: 'echo *  ;  echo */x' });
    expect(verdict('echo {README,*/}', dir)).toMatchObject({ allowed: false, reason: expect.stringContaining('must be a word of its own') });
  });

  it('writes out folder names from the repository so that none of them becomes part of the command line', async () => {
    // A folder name is the repository's text: quotes, $(…), backticks and ; in it must stay inside its word.
    const dir = path.join(root, 'named');
    const names = ["q'; echo INJECTED; echo '", 'd"$(echo INJECTED)"', 'b`echo INJECTED`', 's\\; echo INJECTED'];
    for (const name of names) await mkdir(path.join(dir, name), { recursive: true });
    const result = verdict('echo */', dir);
    expect(result.allowed).toBe(true);
    const rewritten = result.allowed ? result.command : '';
    const { parse } = await import('just-bash');
    const statements = parse(rewritten).statements;
    expect(statements).toHaveLength(1);
    expect(statements[0]!.pipelines[0]!.commands[0]).toMatchObject({ args: names.sort().map((name) => ({ parts: [{ type: 'DoubleQuoted', parts: [{ type: 'Literal', value: `${name}/` }] }] })) });
  });

  it('resolves paths from every directory that cd may have left the shell in', () => {
    expect(reason('cd src && cat ../src/app.py')).toBe('ALLOWED');
    expect(reason('cd src || cat ../../x')).toContain('is outside the workspace');
    expect(reason('cd src; cd ..; cd ..; ls')).toContain('.. is outside the workspace');
  });

  it('refuses a leading glob in a directory holding a file named like an option', () => {
    expect(verdict('find *', path.join(root, 'odd'))).toEqual({
      allowed: false,
      reason: 'a file here is named like an option (-delete); write ./* instead of * so it cannot be read as one',
    });
    expect(verdict('find ./*', path.join(root, 'odd')).allowed).toBe(true);
  });

  it('judges a glob by the paths it expands to, not by its text', async () => {
    await mkdir(path.join(root, 'globs'));
    await writeFile(path.join(root, 'globs', 'a.py'), '');
    const { symlink } = await import('node:fs/promises');
    await symlink(tmpdir(), path.join(root, 'globs', 'out'));
    const dir = path.join(root, 'globs');
    expect(verdict('grep -r x *', dir)).toMatchObject({ allowed: false, reason: expect.stringContaining('out is outside the workspace') });
    expect(verdict('rg x o*', dir)).toMatchObject({ allowed: false, reason: expect.stringContaining('out is outside the workspace') });
    expect(verdict('grep -r x *.py', dir).allowed).toBe(true);
    expect(verdict('grep -r x *.none', dir).allowed).toBe(true);
  });

  it('caps the arguments one command line expands to before checking any path', () => {
    expect(reason(`wc${' {1..256}'.repeat(900)}`)).toBe(
      'the command expands to more than 2000 arguments; name fewer files or search a directory with grep -r',
    );
    expect(reason(`wc -l {1..200} ; ${'ls {1..200} ; '.repeat(9)}pwd`)).toContain('more than 2000 arguments');
    expect(reason('wc -l {1..200} src/app.py')).toBe('ALLOWED');
  });

  it('refuses options the simulated commands do not implement, instead of failing after the gate', () => {
    expect(reason('cut -d: -f1 --output-delimiter=- src/app.py')).toMatch(/^cut: option --output-delimiter is not allowed here/);
    expect(reason("find . -regextype posix-extended -regex '.*py'")).toMatch(/^find: -regextype is not allowed here/);
    expect(reason('diff -c src/app.py src/app.py')).toMatch(/^diff: option -c is not allowed here/);
    expect(reason('diff -y src/app.py src/app.py')).toMatch(/^diff: option -y is not allowed here/);
    expect(reason('cut --complement -f1 src/app.py')).toMatch(/^cut: option --complement is not allowed here/);
    expect(reason('comm -i src/app.py src/app.py')).toMatch(/^comm: option -i is not allowed here/);
    expect(reason('comm --output-delimiter=: src/app.py src/app.py')).toMatch(/^comm: option --output-delimiter is not allowed here/);
  });

  it.each([
    // xargs and find -exec run listed commands only, with checked arguments
    ['ls | xargs rm', 'xargs can run only the listed commands (not `rm`)'],
    ['ls | xargs sh -c id', 'not `sh`'],
    ['ls | xargs -I{} sh -c {}', 'not `sh`'],
    ['ls | xargs -I cat cat x', 'must not appear in the command name'],
    ['ls | xargs -a /etc/passwd cat', 'reading arguments from a file'],
    ['ls | xargs cat /etc/passwd', '/etc/passwd is outside the workspace'],
    ['ls | xargs find . -delete', 'find -delete is refused'],
    ['ls | xargs xargs rm', 'not `xargs`'],
    ['find . -exec rm {} +', 'not `rm`'],
    ['find . -exec cat /etc/passwd \\;', '/etc/passwd is outside the workspace'],
    ['find . -exec cat {}', "needs a closing ';'"],
    ['find . -execdir cat {} +', 'find -execdir is refused'],
    ['find / -exec cat {} +', '/ is outside the workspace'],
    // substitution: the inner line passes the same gate
    ['cat $(rm x)', '`rm` is not available'],
    ['cat $(curl http://x)', '`curl` is not available'],
    ['$(echo rm) x', 'command substitution is not allowed in this position'],
    ['cat $($(echo cat) x)', 'command substitution is not allowed in this position'],
    ['cat /etc/$(echo passwd)', 'is outside the workspace'],
    ['cd $(echo src)', 'cd takes a plain directory name'],
    ['ls > $(echo out)', 'command substitution is not allowed in this position'],
    ['echo $HOME', 'only $PWD is'],
    ['echo ${PWD:-/}', 'only $PWD is'],
    ['echo ${#PWD}', 'only $PWD is'],
    ['which /bin/ls', 'which takes command names'],
    // awk
    ['awk \'BEGIN{system("id")}\'', 'awk system() runs commands'],
    ['awk \'BEGIN{system ("id")}\'', 'awk system() runs commands'],
    ['awk \'{print > "out"}\' src/app.py', 'awk output redirection'],
    ['awk \'{printf("%s", $0) > "out"}\' src/app.py', 'awk output redirection'],
    ['awk \'{print >> "out"}\' src/app.py', 'awk output redirection'],
    ['awk \'{print | "sh"}\' src/app.py', 'awk pipes'],
    ['awk \'BEGIN{"id" | getline x}\'', 'awk pipes'],
    ['awk \'BEGIN{getline x < "/etc/passwd"}\'', 'awk getline'],
    ['awk \'BEGIN{@f()}\'', 'gawk @ directives'],
    ['awk \'@load "x"\'', 'gawk @ directives'],
    ['awk \'BEGIN{print ENVIRON["HOME"]}\'', 'ENVIRON'],
    ['awk -f prog.awk src/app.py', 'program files are not supported'],
    ['awk \'/x/ {print} /[/; system("id"); x=/\' src/app.py', 'awk system() runs commands'],
    ['awk \'BEGIN { x = 1 / 2; "id" | getline }\'', 'awk pipes'],
    ['awk \'BEGIN { x = (1) /2/ 1; "id" | getline }\'', 'awk pipes'],
    ['awk \'BEGIN { print "a" } # x\' /etc/passwd', 'is outside the workspace'],
    // sed
    ["sed -i 's/a/b/' src/app.py", 'sed -i is refused'],
    ["sed 's/a/b/w /tmp/x' src/app.py", 's///w it writes files'],
    ["sed 's/a/b/gw /tmp/x' src/app.py", 's///w it writes files'],
    ["sed 's/a/b/e' src/app.py", 's///e runs the result as a command'],
    ["sed 's|a|b|;w /tmp/x' src/app.py", 'sed w writes files'],
    ["sed -n '1e id' src/app.py", 'sed e runs commands'],
    ["sed '1r /etc/passwd' src/app.py", 'sed r reads other files'],
    ["sed 'R /etc/passwd' src/app.py", 'sed R reads other files'],
    ["sed -e p -e 'W out' src/app.py", 'sed W writes files'],
    ["sed -e '/x/{p' -e 'w out' -e '}' src/app.py", 'sed w writes files'],
    ["sed 'b end w out' src/app.py", 'unexpected w'],
    ["sed 's/a\\/b/c/w x' src/app.py", 's///w it writes files'],
    ["sed -f script.sed src/app.py", 'script files are not supported'],
    // jq
    ["jq -n env", 'jq env reads the environment'],
    ["jq -n '$ENV.HOME'", 'jq $ENV reads the environment'],
    ["jq -n '\"\\(env.PATH)\"'", 'jq env reads the environment'],
    ['jq -n \'import "x" as x; .\'', 'jq modules read other files'],
    ['jq -n \'include "x"; .\'', 'jq modules read other files'],
    ["jq --rawfile x /etc/passwd -n '$x'", 'reading programs or values from other files'],
    ["jq -L /tmp -n '.'", 'reading programs or values from other files'],
    ["jq . /etc/passwd", '/etc/passwd is outside the workspace'],
  ])('refuses %j', (command, expected) => {
    expect(reason(command)).toContain(expected);
  });

  it('reports the last command of the line, which decides whether exit status 1 is an error', () => {
    const result = verdict('cat src/app.py | grep zzz');
    expect(result.allowed && result.lastCommand).toBe('grep');
  });
});

describe('glob matching', () => {
  it.each([
    ['*.py', 'app.py', true],
    ['*.py', 'app.pyc', false],
    ['a?c', 'abc', true],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'bx', false],
    ['[^a]x', 'zx', true],
    ['*a*b', 'xxaxxb', true],
    ['*a*b', 'xxaxx', false],
    ['[x', '[x', true],
    ['*', '', true],
  ])('%j against %j is %j', (pattern, name, expected) => {
    expect(globMatches(pattern, name)).toBe(expected);
  });
});

describe('word evaluation before checking', () => {
  const words = (line: string) => {
    const command = parse(`echo ${line}`).statements[0]!.pipelines[0]!.commands[0]!;
    if (command.type !== 'SimpleCommand') throw new Error('not a simple command');
    return command.args.flatMap((word) => expandWord(word).map((expanded) => expanded.value));
  };

  it('removes quotes and escapes as bash does', () => {
    expect(words(`-de\\lete "-ex"ec 'a b' $'\\x41'`)).toEqual(['-delete', '-exec', 'a b', 'A']);
  });

  it('expands braces, ranges and zero-padded ranges', () => {
    expect(words('{-delete,-print} x{1..3} {a..c} {01..03} {10..1..4}')).toEqual([
      '-delete', '-print', 'x1', 'x2', 'x3', 'a', 'b', 'c', '01', '02', '03', '10', '6', '2',
    ]);
  });

  it('marks unquoted globs and keeps quoted ones literal', () => {
    const command = parse(`ls *.py '*.md' src/*`).statements[0]!.pipelines[0]!.commands[0]!;
    if (command.type !== 'SimpleCommand') throw new Error('not a simple command');
    expect(command.args.map((word) => expandWord(word)[0])).toEqual([
      { value: '*.py', glob: true, leadingGlob: true },
      { value: '*.md', glob: false, leadingGlob: false },
      { value: 'src/*', glob: true, leadingGlob: false },
    ]);
  });
});
