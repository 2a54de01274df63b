/**
 * The environment of every program the tools start (ripgrep, git), built from nothing: the
 * extension host's own environment holds secrets (tokens, keys) and settings that change what
 * those programs read (HOME and XDG_CONFIG_HOME lead to a user's git config and global ignore
 * files, RIPGREP_CONFIG_PATH to a config file). Only what a program needs to start is carried
 * over; callers add the variables that pin their program's behaviour down.
 */
export function childEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  // Windows needs SYSTEMROOT to start any process; PATH lets git find its own helper programs.
  for (const key of ['PATH', 'SYSTEMROOT']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}
