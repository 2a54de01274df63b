/**
 * Where the extension's settings take effect in this window, and the command that shows them
 * there. No `vscode` import: the choice is a function of `vscode.env.remoteName`, tested alone.
 *
 * Most of `locooperator.*` is machine-scoped (the back-end, the server, the model file): in a
 * remote window (SSH, WSL, containers, code-server) VS Code reads those only from the remote
 * machine's settings and ignores the User settings, so the Settings editor must open on its
 * Remote tab, where they are listed (and where our window-scoped settings show too). Writing needs
 * no such choice: `ConfigurationTarget.Global` on a machine-scoped setting is written to the
 * remote settings in a remote window, and to the User settings locally (VS Code's
 * configurationService, toEditableConfigurationTarget).
 */
export interface SettingsPlace {
  /** How messages name it, e.g. 'Remote settings'. */
  label: string;
  /** The command that opens the Settings editor there, and its arguments for a search query. */
  command: string;
  args(query: string): unknown[];
}

/** All of the extension's settings, as the Settings editor's search box takes them. */
export const ALL_SETTINGS_QUERY = '@ext:locoremind.locooperator';

export function settingsPlace(remoteName: string | undefined): SettingsPlace {
  if (remoteName) {
    return {
      label: 'Remote settings',
      command: 'workbench.action.openRemoteSettings',
      // The remote tab's command takes an options object (a string is ignored).
      args: (query) => [{ query }],
    };
  }
  return { label: 'User settings', command: 'workbench.action.openSettings', args: (query) => [query] };
}
