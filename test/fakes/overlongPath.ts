import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Twenty folders with 250-character names under `root`, as a clone makes them (each relative to
 * the last), ending in a link `out` to `target`: every name exists, and the whole path is past
 * PATH_MAX, so it cannot be resolved in one piece. A link halfway lets the test make the second
 * half, and remove it again (a path this long cannot be removed whole).
 */
export async function makeOverlongPath(root: string, target: string): Promise<{ given: string; remove(): Promise<void> }> {
  const name = 'n'.repeat(250);
  const half = Array.from({ length: 10 }, () => name).join('/');
  await mkdir(path.join(root, half), { recursive: true });
  await symlink(path.join(root, half), path.join(root, 'halfway'));
  await mkdir(path.join(root, 'halfway', half), { recursive: true });
  await symlink(target, path.join(root, 'halfway', half, 'out'));
  return {
    given: `${half}/${half}/out`,
    async remove() {
      await rm(path.join(root, 'halfway', name), { recursive: true });
      await rm(path.join(root, 'halfway'));
      await rm(path.join(root, name), { recursive: true });
    },
  };
}
