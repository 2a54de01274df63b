// A package at the exact version and integrity package-lock.json records, fetched from the npm
// registry through npm itself (so the user's registry, proxy and auth settings apply), checked
// against the lockfile's hash, and unpacked into a cache outside the clone.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder (in `cacheDir`) that holds the unpacked package `{ name, version, integrity }`.
 * Downloads and unpacks it the first time; a tarball whose hash differs from the lockfile's is
 * refused and removed.
 */
export function registryPackage({ name, version, integrity }, cacheDir) {
  const expected = sha512Of(integrity, `${name}@${version}`);
  const slug = `${name.replace('/', '+')}@${version}`;
  const unpacked = join(cacheDir, slug, 'package');
  if (existsSync(join(unpacked, 'package.json'))) return unpacked;

  mkdirSync(cacheDir, { recursive: true });
  const scratch = join(cacheDir, `${slug}.partial`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const packed = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', scratch, '--json', '--silent'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (packed.status !== 0) throw new Error(`npm pack ${name}@${version} failed:\n${packed.stderr}`);
  const tarball = readdirSync(scratch).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
  const actual = createHash('sha512').update(readFileSync(join(scratch, tarball))).digest('base64');
  if (actual !== expected) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`${name}@${version} from the registry does not match package-lock.json (sha512-${actual} ≠ sha512-${expected})`);
  }

  // npm tarballs hold one top folder (usually package/); unpack it as package/ whatever its name.
  const contents = join(scratch, 'contents');
  mkdirSync(contents);
  const untar = spawnSync('tar', ['-xzf', join(scratch, tarball), '-C', contents, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed:\n${untar.stderr}`);
  rmSync(join(cacheDir, slug), { recursive: true, force: true });
  mkdirSync(join(cacheDir, slug));
  // The rename makes a half-unpacked package impossible to mistake for a complete one.
  renameSync(contents, unpacked);
  rmSync(scratch, { recursive: true, force: true });
  return unpacked;
}

function sha512Of(integrity, what) {
  const hash = integrity?.split(/\s+/).find((entry) => entry.startsWith('sha512-'));
  if (!hash) throw new Error(`package-lock.json records no sha512 integrity for ${what}`);
  return hash.slice('sha512-'.length);
}
