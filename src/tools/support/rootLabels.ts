import { hostPathRules, type PathRules } from './pathRules';

/**
 * What each workspace root is called in labels (cards, scopes, links, reports for other agents,
 * the model's task), one name per root and no two alike, as the editor names its folders.
 */

/** What the editor calls a root (a `.code-workspace` entry's `"name"`), or undefined for none of its own. */
export type FolderNames = (root: string) => string | undefined;

/**
 * The editor's own names for its folders. Labels are made in many places from root paths alone,
 * while the names belong to the editor's workspace as a whole, like its folders; so the extension
 * says once where to read them (live: a renamed folder counts from the next label), and everything
 * without an editor (the CLI, the MCP server, tests) names a root by its folder.
 */
let editorNames: FolderNames = () => undefined;

/** Reads the roots' names from `names` from now on; the returned function restores the previous source. */
export function nameFoldersBy(names: FolderNames): () => void {
  const previous = editorNames;
  editorNames = names;
  return () => {
    editorNames = previous;
  };
}

/**
 * The root's label among `roots`: the editor's name for it, else its folder's name (as VS Code's
 * Explorer shows it). When two roots would read alike, each of them takes its parent folder's
 * name in brackets (`app (client)`, `app (server)`); when even that does not tell them apart, its
 * whole path. Each label names one root, and does not depend on the order of the roots.
 */
export function rootLabel(root: string, roots: readonly string[] = [root], rules: PathRules = hostPathRules): string {
  return rootLabels(roots.includes(root) ? roots : [...roots, root], rules).get(root)!;
}

/** Every root's label (see rootLabel), by root. */
export function rootLabels(roots: readonly string[], rules: PathRules = hostPathRules): Map<string, string> {
  const { basename, dirname } = rules.path;
  const unique = [...new Set(roots)];
  const names = new Map(unique.map((root) => [root, editorNames(root)?.trim() || basename(root) || root]));
  const labels = new Map(names);
  // The parent folder's name first (short, and what a user tells two checkouts apart by), then the root's own path, which no other root has.
  const tellApart = [(root: string) => basename(dirname(root)) || root, (root: string) => root];
  for (const qualifier of tellApart) {
    const clashing = unique.filter((root) => unique.some((other) => other !== root && labels.get(other) === labels.get(root)));
    for (const root of clashing) labels.set(root, `${names.get(root)} (${qualifier(root)})`);
  }
  return labels;
}

/**
 * The roots a relative reference names by its first segments, the way labels read
 * (`ws-b/src/cart.ts`, `app (client)/src/a.ts`, `Web App/index.ts`), each with the path left
 * inside it. Labels may hold spaces, brackets and separators, so they are matched whole.
 */
export function rootsNamedBy(written: string, roots: readonly string[], rules: PathRules = hostPathRules): { root: string; rest: string }[] {
  const slashed = written.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  return [...rootLabels(roots, rules)].flatMap(([root, label]) => {
    const prefix = `${label.replace(/\\/g, '/')}/`;
    return slashed.startsWith(prefix) && slashed.length > prefix.length ? [{ root, rest: slashed.slice(prefix.length) }] : [];
  });
}
