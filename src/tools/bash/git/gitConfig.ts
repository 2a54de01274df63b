import path from 'node:path';
import { isInsideRoots } from '../../support/workspacePaths';
import { runGit } from './gitProcess';
import { RepositoryProblem, type Repository } from './gitRepository';
import { realInside } from '../paths';

/**
 * The repository's configuration, vetted against a positive list. Every git release adds keys,
 * and many of them run a program (core.pager, core.sshCommand, core.gitProxy, filters, diff
 * drivers, credential helpers, remote.*.uploadpack, remote helpers through remote.*.vcs), make
 * git fetch (extensions.partialClone with remote.*.promisor: reading a missing object runs the
 * remote's transport, `ext::` included, and rewrites .git/config), or read a file named in
 * their value (include.path, core.excludesFile, blame.ignoreRevsFile). A key that is not listed
 * here turns git off for the repository, whatever its value.
 *
 * A key is listed only when no value of it can make the read commands this tool runs (log,
 * show, diff, status, ls-files, blame, grep, rev-parse, branch --list) start a program, use the
 * network, or open anything but the repository's own (checked) metadata and work tree. Most are
 * read only by commands the tool never runs (commit, fetch, push, gc, merge) and are here because
 * ordinary clones, VS Code, GitHub's CLI, husky or Scalar write them into .git/config.
 * Remote and submodule URLs are harmless only because every transport is off: no subcommand
 * allowed here fetches, lazy fetching is disabled, and git runs with no protocol allowed.
 */
const HARMLESS = `
  core.repositoryformatversion core.filemode core.bare core.logallrefupdates core.ignorecase
  core.precomposeunicode core.symlinks core.autocrlf core.eol core.safecrlf core.quotepath core.abbrev
  core.whitespace core.commentchar core.checkstat core.trustctime core.preloadindex core.multipackindex
  core.commitgraph core.splitindex core.sparsecheckout core.sparsecheckoutcone core.compression
  core.loosecompression core.bigfilethreshold core.deltabasecachelimit core.longpaths core.fscache
  core.protectntfs core.protecthfs core.worktree
  core.untrackedcache core.fsmonitor core.hookspath
  extensions.objectformat extensions.worktreeconfig extensions.preciousobjects extensions.noop
  remote.*.url remote.*.pushurl remote.*.fetch remote.*.push remote.*.tagopt remote.*.prune
  remote.*.prunetags remote.*.mirror remote.*.skipdefaultupdate remote.*.skipfetchall remote.*.gh-resolved
  remote.pushdefault
  branch.*.remote branch.*.merge branch.*.rebase branch.*.pushremote branch.*.description
  branch.*.vscode-merge-base branch.autosetupmerge branch.autosetuprebase branch.sort
  submodule.*.url submodule.*.active submodule.*.branch submodule.*.shallow submodule.*.ignore submodule.active
  user.name user.email user.signingkey commit.gpgsign tag.gpgsign gpg.format
  pull.rebase pull.ff push.default push.autosetupremote push.followtags fetch.prune fetch.prunetags
  fetch.writecommitgraph gc.auto gc.autodetach maintenance.auto maintenance.strategy index.version
  index.threads feature.manyfiles init.defaultbranch lfs.repositoryformatversion rerere.enabled
  diff.renames diff.algorithm diff.mnemonicprefix diff.noprefix diff.context diff.indentheuristic
  diff.renamelimit log.date log.decorate log.abbrevcommit log.follow log.showroot log.mailmap
  status.showuntrackedfiles status.branch status.short status.relativepaths status.aheadbehind
  status.renames status.showstash merge.conflictstyle merge.ff rebase.autosquash rebase.autostash
  rebase.updaterefs i18n.commitencoding i18n.logoutputencoding`;
// core.untrackedCache, core.fsmonitor and core.hooksPath are pinned on git's command line
// (gitProcess.ts), which beats the repository; husky and Scalar set them in many repositories.

const HARMLESS_KEYS = new Set(HARMLESS.split(/\s+/).filter(Boolean));

/** Why a key that is not listed is refused, for the message; the first pattern that matches wins. */
const DANGERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(include|includeif)\.|file$|^mailmap\.|^core\.worktree$/, 'could read files outside the workspace'],
  [/^(extensions\.partialclone|remote\.\*\.(promisor|partialclonefilter|proxy|proxyauthmethod)|(protocol|url|http)\..*)$/, 'could make git fetch from the network'],
  [
    /^(alias|pager|credential|filter|sequence|difftool|mergetool|guitool|browser)\.|\.(command|textconv|driver|program|pager|editor|askpass|sshcommand|gitproxy|uploadpack|receivepack|vcs|helper|packobjectshook|alternaterefscommand|update|cmd|external)$/,
    'could run a program',
  ],
];

/** A config key as `git config --list` prints it, with its subsection (if any) as `*`. */
function pattern(key: string): string {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  return first === last ? key : `${key.slice(0, first)}.*${key.slice(last)}`;
}

/**
 * Why git must not run with these config files, or undefined when every key in them is
 * harmless. git's own parser reads each file (no includes), so that what is judged is exactly
 * what git would see.
 */
export async function configProblem(files: readonly string[], repository: Repository, roots: readonly string[], env: NodeJS.ProcessEnv, home: string, signal?: AbortSignal): Promise<RepositoryProblem | undefined> {
  const listings = await Promise.all(files.map((file) => runGit(['config', '--file', file, '--no-includes', '--null', '--list'], home, env, signal)));
  for (const [index, listing] of listings.entries()) {
    const file = files[index]!;
    const own = [repository.gitDir, repository.commonDir].includes(path.dirname(file));
    const name = own ? `its ${path.basename(file)}` : `its ${path.relative(repository.workTree, file).split(path.sep).join('/')}`;
    if (listing.exitCode !== 0) return new RepositoryProblem(`${name} could not be read`);
    for (const entry of listing.stdout.split('\0')) {
      if (entry === '') continue;
      const newline = entry.indexOf('\n');
      const key = newline === -1 ? entry : entry.slice(0, newline);
      const value = newline === -1 ? '' : entry.slice(newline + 1);
      const why = keyDanger(key, value, path.dirname(file), roots);
      if (why !== undefined) return new RepositoryProblem(`${name} sets ${shortened(key)}, which ${why}`);
    }
  }
  return undefined;
}

function keyDanger(key: string, value: string, gitDir: string, roots: readonly string[]): string | undefined {
  const general = pattern(key.toLowerCase());
  if (HARMLESS_KEYS.has(general)) {
    // git resolves core.worktree from the git directory; a submodule's points at its checkout.
    if (general === 'core.worktree' && realInside(path.resolve(gitDir, value), roots) === undefined) return 'could read files outside the workspace';
    return undefined;
  }
  return DANGERS.find(([danger]) => danger.test(general))?.[1] ?? 'is not known to be harmless';
}

/** A key as the model sees it; a subsection is the repository's own text, so it is kept short. */
function shortened(key: string): string {
  return key.length > 80 ? `${key.slice(0, 77)}...` : key;
}
