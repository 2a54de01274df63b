import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool, ToolFailure, toolUseError, type TitleContext, type ToolContext } from './defineTool';
import { UnsafeIgnoreFile, unsafeIgnoreFileMessage } from './support/ignoreFiles';
import { oldestOfSorted, type SortedListing } from './support/modificationTimes';
import { matchesEverything, ripgrepArgs, runRipgrep } from './support/ripgrep';
import { searchTargets, workspaceLabel, type WorkspacePath } from './support/workspacePaths';

/** The trained tool listed at most this many files. */
export const GLOB_MAX_FILES = 100;
/** Beyond this many matches the listing is cut anyway; stop collecting to bound memory. */
const COLLECTED_MAX = 200_000;
const TRUNCATED_NOTE = '(Results are truncated. Consider using a more specific path or pattern.)';
/** ripgrep's order for a listing Glob shows: oldest first, as the trained tool listed files. */
const OLDEST_FIRST = ['--sort', 'modified'];
/** How long one listing may run: listing names is faster still than Grep's reading, so the same minute is ample. */
export const GLOB_TIME_LIMIT_MS = 60_000;

const parameters = z.object({
  pattern: z.string().min(1),
  path: z.string().optional(),
});

export const globTool = makeGlobTool({ timeLimitMs: GLOB_TIME_LIMIT_MS });

/** The Glob tool with its time limit; tests make one with a small limit. */
export function makeGlobTool(limits: { timeLimitMs: number }) {
  return defineTool({
    name: 'Glob',
    description: [
      'Fast file pattern matching ("**/*.py", "src/**/*.ts") over the workspace.',
      'Returns absolute paths sorted by modification time, oldest first, at most 100.',
      'Files ignored by .gitignore are left out. `path` is the directory to search (default: the working directory).',
    ].join('\n'),
    parameters,
    aliases: { glob: 'pattern', dir_path: 'path', directory: 'path' },
    title: globTitle,
    async execute(input, ctx) {
      const { directory, pattern } = splitPattern(input.pattern, input.path);
      const searchDirs = await searchDirectories(directory, ctx);
      const started = Date.now();
      const listFiles = async (searchDir: WorkspacePath, flags: string[]) => {
        const files: string[] = [];
        const exit = await runRipgrep(ripgrepArgs(['--files', ...flags], [], ctx.exclude), {
          cwd: searchDir.real,
          signal: ctx.signal,
          // One time limit for the whole call, however many roots it lists.
          timeLimitMs: Math.max(0, limits.timeLimitMs - (Date.now() - started)),
          readsIgnoreFilesIn: { paths: [searchDir.real], roots: ctx.roots },
          listsNames: true,
          onLine: (line) => files.push(line) < COLLECTED_MAX,
        }).catch((error: unknown) => {
          if (error instanceof UnsafeIgnoreFile) throw new ToolFailure(toolUseError(unsafeIgnoreFileMessage(error, ctx.cwd)), 'refused');
          throw error;
        });
        if (exit.timedOut) {
          throw new ToolFailure(
            toolUseError(`Glob stopped after ${limits.timeLimitMs / 1000} seconds without finishing. Use a more specific path or pattern.`),
          );
        }
        if (exit.code === 2 && files.length === 0 && exit.stderr !== '') throw new ToolFailure(toolUseError(exit.stderr));
        return files;
      };
      const listings: SortedListing[] = [];
      for (const searchDir of searchDirs) {
        // ripgrep sorts by modification time, so that only the files that can still be shown are stat'ed here.
        const list = (flags: string[]) => listFiles(searchDir, flags);
        const names = matchesEverything(pattern) ? await list(OLDEST_FIRST) : await listNotIgnored(pattern, list);
        // Absolute, as the trained tool printed them: a line names its root whichever root it is from.
        listings.push({ names, place: (name) => ({ shown: path.join(searchDir.absolute, name), real: path.join(searchDir.real, name) }) });
      }
      ctx.signal.throwIfAborted();
      const found = listings.reduce((total, listing) => total + listing.names.length, 0);
      const shown = oldestOfSorted(listings, GLOB_MAX_FILES).map((file) => file.shown);
      const truncated = found > GLOB_MAX_FILES;
      return {
        output: shown.length === 0 ? 'No files found' : [...shown, ...(truncated ? [TRUNCATED_NOTE] : [])].join('\n'),
        title: globTitle(input, ctx),
        metadata: { files: found, shown: shown.length, truncated },
      };
    },
  });
}

/**
 * An absolute pattern (`/repo/src/**\/*.ts`) names its own directory: search from its fixed
 * leading part, so that ripgrep, which matches globs relative to where it runs, sees `**\/*.ts`.
 */
function splitPattern(pattern: string, givenPath: string | undefined): { directory?: string; pattern: string } {
  const trimmed = pattern.startsWith('./') ? pattern.slice(2) : pattern;
  if (!path.isAbsolute(trimmed)) return { directory: givenPath, pattern: trimmed };
  const segments = trimmed.split('/');
  const firstMagic = segments.findIndex((segment) => /[*?[{]/.test(segment));
  const split = firstMagic === -1 ? segments.length - 1 : firstMagic;
  return { directory: segments.slice(0, split).join('/') || '/', pattern: segments.slice(split).join('/') };
}

/**
 * A --glob that matches an ignored directory (`**\/*cache*` matches `__pycache__/`) or file
 * (`**\/*.log`) overrides .gitignore in ripgrep, where a file type, which ripgrep checks after
 * .gitignore, does not. A pattern that only names files (`*.py`, `**\/file7.py`) is such a type.
 * For one with folders, keeping only the files that ripgrep also lists without the glob applies
 * .gitignore as the user wrote it; that second listing only needs the files of matching names.
 */
async function listNotIgnored(pattern: string, listFiles: (flags: string[]) => Promise<string[]>): Promise<string[]> {
  const name = fileNameGlob(pattern);
  const named = name === undefined ? [] : ['--type-add', `${NAME_TYPE}:${name}`, '--type', NAME_TYPE];
  if (pattern === name || pattern === `**/${name}`) return listFiles([...named, ...OLDEST_FIRST]);
  // The sorted listing walks on one thread; the other one does too, so that on two cores the two
  // walks run side by side instead of taking turns.
  const [matching, notIgnored] = await Promise.all([listFiles(['--glob', pattern, ...OLDEST_FIRST]), listFiles([...named, '--threads', '1'])]);
  const visible = new Set(notIgnored);
  return matching.filter((file) => visible.has(file));
}

const NAME_TYPE = 'globname';

/**
 * The glob every name the pattern matches must match, when the pattern has one: its part after
 * the last `/`, unless that part spans folders (`**`), is cut from a bracket or brace group that
 * holds the `/`, escapes a character, or holds `:`, which ripgrep's type definitions cannot. A
 * --glob is read as a .gitignore line, where `#` starts a comment and trailing spaces are dropped:
 * those are left to ripgrep too.
 */
export function fileNameGlob(pattern: string): string | undefined {
  const cut = pattern.lastIndexOf('/');
  const name = pattern.slice(cut + 1);
  const folders = pattern.slice(0, Math.max(cut, 0));
  if (name === '' || name.includes('**') || /[\\:]|^[!#]|\s$/.test(pattern)) return undefined;
  return balanced(name) && balanced(folders) ? name : undefined;
}

function balanced(glob: string): boolean {
  const count = (char: string) => glob.split(char).length - 1;
  return count('{') === count('}') && count('[') === count(']');
}

function globTitle(input: { pattern?: string; path?: string }, ctx: TitleContext): string {
  const pattern = input.pattern ?? '';
  const shownPattern = path.isAbsolute(pattern) ? workspaceLabel(pattern, ctx.roots) : pattern;
  const where = input.path ? ` in ${workspaceLabel(path.resolve(ctx.cwd, input.path), ctx.roots)}` : '';
  return `Glob ${shownPattern}${where}`;
}

/** The directories a call lists (see searchTargets): each must exist and be a directory. */
async function searchDirectories(directory: string | undefined, ctx: ToolContext): Promise<WorkspacePath[]> {
  const targets = await searchTargets(directory, ctx);
  for (const target of targets) {
    const isDirectory = target.exists && (await stat(target.real)).isDirectory();
    if (!isDirectory) {
      const named = directory ?? target.absolute;
      throw new ToolFailure(toolUseError(`Directory does not exist: ${named}. Note: your current working directory is ${ctx.cwd}.`));
    }
  }
  return targets;
}
