import * as vscode from 'vscode';

/**
 * Restricted Mode, in one place. In a folder that is not trusted the explorer still reads,
 * searches and lists (nothing there runs a program of the repository's choosing), but real git
 * is off: git reads the repository's own configuration and files. VS Code itself drops the
 * workspace and folder values of the settings that package.json lists under
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` (every `locooperator.*` one).
 */

/** The command that opens VS Code's Workspace Trust editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** What the model reads when a command reaches git in a folder that is not trusted. */
export const UNTRUSTED_GIT_REASON =
  'git is off because this folder is not trusted (Restricted Mode); the user can trust it with "Workspaces: Manage Workspace Trust", then git works in the next call';

/** Why real git must not run now: set while the workspace is not trusted. */
export function gitUnavailable(): string | undefined {
  return vscode.workspace.isTrusted ? undefined : UNTRUSTED_GIT_REASON;
}
