/**
 * What the refs of a repository may say before they are handed to git as data: an object id of
 * the repository's hash (40 hex digits for SHA-1, 64 for SHA-256) or a symbolic ref to a valid
 * name under refs/. Anything else (a path, a line of some other file) is dropped, so that git's
 * errors, which quote a bad line, can only ever quote one of these.
 */

/** A ref name as git's check_refname_format accepts it, a little stricter: printable ASCII without `"`, so it can be quoted in a config file. */
export function isRefName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || name === '@' || name.includes('@{') || name.includes('..')) return false;
  if (/[\x00-\x20\x7f~^:?*["\\]/.test(name) || /[^\x21-\x7e]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.') && !part.endsWith('.lock'));
}

export function isObjectId(text: string, hexLength: number): boolean {
  return text.length === hexLength && /^[0-9a-f]+$/.test(text);
}

/** The content of a loose ref or HEAD as git may read it, or undefined when it is neither form. */
export function refContent(text: string, hexLength: number): string | undefined {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (isObjectId(line, hexLength)) return `${line}\n`;
  const target = /^ref: (refs\/.+)$/.exec(line)?.[1];
  return target !== undefined && isRefName(target) ? `ref: ${target}\n` : undefined;
}

/** packed-refs with every line git would not take from a healthy repository dropped. */
export function packedRefsContent(text: string, hexLength: number): string {
  const kept: string[] = [];
  let lastKept = false;
  for (const [index, line] of text.split('\n').entries()) {
    if (index === 0 && /^# pack-refs with:[ a-z-]*$/.test(line)) kept.push(line);
    else if (line.startsWith('^')) {
      if (lastKept && isObjectId(line.slice(1), hexLength)) kept.push(line);
      continue;
    } else {
      const [id = '', name = '', ...rest] = line.split(' ');
      lastKept = rest.length === 0 && isObjectId(id, hexLength) && name.startsWith('refs/') && isRefName(name);
      if (lastKept) kept.push(line);
    }
  }
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}

/**
 * A file of object ids, one a line (shallow, MERGE_HEAD), or undefined when a line is anything
 * else. With `annotated`, a line may go on after its id with a tab and printable text (FETCH_HEAD).
 */
export function objectIdLines(text: string, hexLength: number, annotated = false): string | undefined {
  const lines = text.split('\n').filter((line) => line !== '');
  const valid = lines.every((line) => {
    const id = line.slice(0, hexLength);
    const rest = line.slice(hexLength);
    return isObjectId(id, hexLength) && (rest === '' || (annotated && rest.startsWith('\t') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(rest)));
  });
  return valid ? lines.map((line) => `${line}\n`).join('') : undefined;
}
