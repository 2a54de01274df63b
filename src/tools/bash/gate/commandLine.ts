import path from 'node:path';
import { parse, serialize, type CommandNode, type ScriptNode, type SimpleCommandNode, type WordNode } from 'just-bash';
import { COMMAND_CHECKS, commandCheck, KNOWN_REFUSALS } from './commandPolicy';
import { checkNamedReads, readsWholeFiles } from '../readBudget';
import { expandGlob } from './globs';
import { confinePath } from '../paths';
import { Refusal } from './refusal';
import { expandWord, type ExpandedWord, type WordScope } from './words';
import { errorMessage } from '../../../protocol/errorMessage';

export type GateVerdict =
  /** `command` is the line to run: the model's, or the same line with its patterns that end in a slash written out (literalWord). */
  | { allowed: true; script: ScriptNode; command: string; lastCommand: string }
  | { allowed: false; reason: string };

export const ALLOWED_COMMANDS = Object.keys(COMMAND_CHECKS);

type RedirectionNode = SimpleCommandNode['redirections'][number];

/** Longest command line accepted; exploration commands are short. */
const MAX_COMMAND_LENGTH = 10_000;

/**
 * Most arguments one command line may expand to (braces and globs together). Each is checked
 * synchronously against the file system, so this bounds how long the gate holds the event loop.
 */
export const MAX_EXPANDED_WORDS = 2_000;

/** Arguments expanded so far on this command line, and whether a pattern was written out in the tree. */
class WordBudget {
  rewritten = false;
  private used = 0;
  spend(count: number): void {
    this.used += count;
    if (this.used > MAX_EXPANDED_WORDS) {
      throw new Refusal(`the command expands to more than ${MAX_EXPANDED_WORDS} arguments; name fewer files or search a directory with grep -r`);
    }
  }
  get left(): number {
    return MAX_EXPANDED_WORDS - this.used;
  }
}

/**
 * Decides whether a command line may run: parses it with the interpreter's own parser, walks
 * the tree, and accepts only allowed commands joined by `|`, `&&`, `||` and `;`, with every
 * argument evaluated as bash would and every path inside a workspace root (real paths).
 */
export function checkCommand(command: string, cwd: string, roots: readonly string[]): GateVerdict {
  try {
    return { allowed: true, ...walk(command, cwd, roots) };
  } catch (error) {
    if (error instanceof Refusal) return { allowed: false, reason: error.reason };
    // Whatever else failed, the line is refused; its internals mean nothing to the model.
    return { allowed: false, reason: 'the command could not be checked; write it more simply' };
  }
}

function walk(command: string, cwd: string, roots: readonly string[], mayRewrite = true): { script: ScriptNode; command: string; lastCommand: string } {
  if (command.length > MAX_COMMAND_LENGTH) throw new Refusal(`the command is longer than ${MAX_COMMAND_LENGTH} characters`);
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(command)) throw new Refusal('control characters are not allowed in commands');
  if (/\n/.test(command.replace(/\\\n/g, '').trim())) {
    throw new Refusal('write one command line; join commands with && or ; instead of newlines');
  }
  if (command.trim() === '') throw new Refusal('the command is empty');
  const script = parseLine(command);
  const budget = new WordBudget();
  const { lastCommand } = checkScript(script, new Set([cwd]), roots, budget);
  if (!budget.rewritten) return { script, command, lastCommand };
  // The rewritten line is what runs, and its words came from names in the repository: the gate
  // checks that text itself, so that a name the writing did not keep whole is judged as what it became.
  if (!mayRewrite) throw new Refusal('a pattern ending in / matched names that cannot be written into the command line safely');
  return walk(serialize(script), cwd, roots, false);
}

/** The parser's own messages name its internals; the model needs only where the line broke. */
function parseLine(command: string): ScriptNode {
  try {
    return parse(command);
  } catch (error) {
    const message = errorMessage(error);
    const near = /near unexpected token `([^']*)'/.exec(message)?.[1];
    if (near !== undefined) throw new Refusal(`syntax error near \`${near}\`; check the quoting and operators`);
    if (/unexpected EOF|unterminated/i.test(message)) throw new Refusal('a quote or bracket is not closed; check the quoting');
    throw new Refusal('the command could not be parsed; check the quoting and operators');
  }
}

/**
 * Checks every statement of a script (the whole line, or the body of a `$(…)`), starting in
 * any of `cwds`; returns where the shell may be afterwards.
 */
function checkScript(script: ScriptNode, start: Set<string>, roots: readonly string[], budget: WordBudget): { cwds: Set<string>; lastCommand: string } {
  // The working directories a command may run in: after `cd x || cat y`, cat runs where cd
  // failed to leave; after `cd x && cat y`, only in x; after `;`, in either.
  let cwds = start;
  let lastCommand = '';
  for (const statement of script.statements) {
    if (statement.background) throw new Refusal('background jobs (&) are not allowed; run the command in the foreground');
    if (statement.deferredError) throw new Refusal(`syntax error near \`${statement.deferredError.token}\`; check the quoting and operators`);
    let outcome: Outcome | undefined;
    for (const [index, pipeline] of statement.pipelines.entries()) {
      if (pipeline.timed) throw new Refusal('`time` is not available; the tool reports how long a command took');
      const operator = index === 0 ? ';' : statement.operators[index - 1];
      const input = outcome === undefined ? cwds : operator === '&&' ? outcome.success : operator === '||' ? outcome.failure : union(outcome.success, outcome.failure);
      const result = checkPipeline(pipeline.commands, input, roots, budget);
      lastCommand = result.lastCommand;
      outcome =
        outcome === undefined || operator === ';'
          ? result
          : operator === '&&'
            ? { success: result.success, failure: union(outcome.failure, result.failure) }
            : { success: union(outcome.success, result.success), failure: result.failure };
    }
    if (outcome) cwds = union(outcome.success, outcome.failure);
  }
  return { cwds, lastCommand };
}

/** Where the shell may be after a pipeline succeeded or failed. */
interface Outcome {
  success: Set<string>;
  failure: Set<string>;
}

function checkPipeline(commands: readonly CommandNode[], cwds: Set<string>, roots: readonly string[], budget: WordBudget): Outcome & { lastCommand: string } {
  let lastCommand = '';
  let moved: string | undefined;
  for (const node of commands) {
    if (node.type !== 'SimpleCommand') throw new Refusal(compoundReason(node.type));
    const result = checkSimpleCommand(node, cwds, roots, budget);
    lastCommand = result.name;
    moved = result.changesDirectoryTo;
  }
  // Each command of a longer pipeline runs in a subshell, so only a lone cd moves the shell.
  if (moved === undefined || commands.length !== 1) return { success: cwds, failure: cwds, lastCommand };
  const target = moved;
  return { success: new Set([...cwds].map((dir) => confinePath(target, dir, roots, false))), failure: cwds, lastCommand };
}

function union(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a, ...b]);
}

function checkSimpleCommand(node: SimpleCommandNode, cwds: Set<string>, roots: readonly string[], budget: WordBudget): { name: string; changesDirectoryTo?: string } {
  if (node.assignments.length > 0) throw new Refusal('variable assignments are not available; write the values into the command');
  if (node.name === null) throw new Refusal('the command is empty');
  const name = commandName(node.name);
  const check = commandCheck(name);
  if (check === undefined) throw new Refusal(unknownCommandReason(name));
  for (const redirection of node.redirections) checkRedirection(redirection, cwds, roots);
  let changesDirectoryTo: string | undefined;
  // Words are evaluated in each directory the shell may be in: `$PWD` names it, a `$(…)` runs
  // there, and globs match there; each is checked with the arguments the command will receive.
  for (const dir of cwds) {
    const scope: WordScope = { pwd: dir, substitute: (body) => checkScript(body, new Set([dir]), roots, budget) };
    const words: ExpandedWord[] = [];
    /** For each expanded word, the argument node it came from. */
    const from: number[] = [];
    for (const [index, word] of node.args.entries()) {
      const expanded = expandWord(word, scope);
      budget.spend(expanded.length);
      words.push(...expanded);
      from.push(...expanded.map(() => index));
    }
    if (name === 'cd' && words.some((word) => word.glob || word.substituted)) throw new Refusal('cd takes a plain directory name, not a pattern or a $(…)');
    const unmatched = new Set<string>();
    const writtenOut = new Map<number, string[]>();
    const argv = words.flatMap((word, at) => {
      if (!word.glob) return [word.value];
      const matches = expandGlob(word.value, dir, roots, budget.left);
      budget.spend(matches.length);
      if (matches.length === 0) unmatched.add(word.value);
      const optionLike = word.leadingGlob ? matches.find((match) => match.startsWith('-')) : undefined;
      if (optionLike !== undefined) {
        throw new Refusal(`a file here is named like an option (${optionLike}); write ./* instead of * so it cannot be read as one`);
      }
      const result = matches.length === 0 ? [word.value] : matches;
      if (word.value.endsWith('/')) writtenOut.set(from[at]!, [...(writtenOut.get(from[at]!) ?? []), ...result]);
      return result;
    });
    if (writtenOut.size > 0) {
      if (cwds.size > 1) throw new Refusal('a pattern ending in / (like */) after a cd that may fail is not supported here; run the cd on its own first');
      if (words.some((word, at) => writtenOut.has(from[at]!) && (word.substituted || !word.glob))) {
        throw new Refusal('a pattern ending in / (like */) must be a word of its own here, without $(…) or braces');
      }
      budget.rewritten = true;
      node.args = node.args.flatMap((arg, index) => writtenOut.get(index)?.map(literalWord) ?? [arg]);
    }
    const use = check(argv);
    // A pattern that matched nothing reaches the command as written; judge the directory it names.
    const reals = use.paths.map((argument) => confinePath(argument, dir, roots, unmatched.has(argument), readsWholeFiles(name, use)));
    checkNamedReads(name, use, reals);
    changesDirectoryTo = use.changesDirectoryTo;
  }
  return { name, changesDirectoryTo };
}

/**
 * The simulated shell matches a pattern that ends in a slash (`ls -d *` then `/`) against files
 * as well as directories and drops the slash; bash matches directories only and keeps it. So
 * the gate, which expands every pattern anyway to check what the command receives, writes such a
 * pattern's matches into the line as quoted words, and checks the line it wrote (walk).
 */
function literalWord(value: string): WordNode {
  // Double quotes: the serializer escapes " $ ` and \ in them, while it writes single quotes as they are.
  return { type: 'Word', parts: [{ type: 'DoubleQuoted', parts: [{ type: 'Literal', value }] }] };
}

function commandName(word: WordNode): string {
  const expanded = expandWord(word);
  if (expanded.length !== 1 || expanded[0]!.glob) throw new Refusal('the command name must be a plain word');
  const name = expanded[0]!.value;
  if (name.includes('/')) {
    throw new Refusal(`run commands by name, not by path (\`${name}\`); available commands: ${ALLOWED_COMMANDS.join(' ')}`);
  }
  return name;
}

function unknownCommandReason(name: string): string {
  const why = Object.hasOwn(KNOWN_REFUSALS, name) ? KNOWN_REFUSALS[name] : undefined;
  return `\`${name}\` is not available${why ? ` (${why})` : ''}; available commands: ${ALLOWED_COMMANDS.join(' ')}`;
}

/** Only stderr discarding and stream merging: no file is ever opened for writing. */
function checkRedirection(redirection: RedirectionNode, cwds: Set<string>, roots: readonly string[]): void {
  const { operator, fd, target } = redirection;
  if (operator === '<<' || operator === '<<-' || operator === '<<<') throw new Refusal('here-documents and here-strings are not available; pass files or pipe a command');
  if (target.type !== 'Word') throw new Refusal('only 2>/dev/null, 2>&1 and < FILE redirections are available');
  const expanded = expandWord(target);
  if (expanded.length !== 1 || expanded[0]!.glob) throw new Refusal('a redirection needs one plain target');
  const value = expanded[0]!.value;
  if (operator === '<') {
    if (fd !== null && fd !== 0) throw new Refusal('only plain input redirection (< FILE) is allowed');
    for (const dir of cwds) confinePath(value, dir, roots, false, true);
    return;
  }
  if ((operator === '>&' || operator === '<&') && (value === '1' || value === '2') && (fd === null || fd === 1 || fd === 2)) return;
  if ((operator === '>' || operator === '&>') && value === '/dev/null' && (fd === 2 || (operator === '&>' && fd === null))) return;
  throw new Refusal('output redirection to files is not available; only 2>/dev/null and 2>&1 are accepted');
}

function compoundReason(type: string): string {
  switch (type) {
    case 'FunctionDef':
      return 'function definitions are not allowed';
    case 'Subshell':
      return 'subshells ( … ) are not allowed; run the commands directly';
    case 'Group':
      return 'command groups { … } are not allowed; run the commands directly';
    case 'For':
    case 'CStyleFor':
    case 'While':
    case 'Until':
      return 'loops are not allowed; use find, grep -r or a pipeline instead';
    case 'If':
    case 'Case':
      return 'if/case are not allowed; use && and ||';
    default:
      // Arithmetic (( … )), tests [[ … ]] and whatever the parser adds later.
      return 'only simple commands joined by |, &&, || and ; are available; use find, grep or ls to test for files';
  }
}
