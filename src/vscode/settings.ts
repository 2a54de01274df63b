import * as vscode from 'vscode';
import { parseSettings, SETTING_NAMES, type SettingName, type Settings } from '../protocol/settings';

export const SETTINGS_SECTION = 'locooperator';

/**
 * Reads `locooperator.*` through the settings schema. Each invalid value is logged once (until it
 * changes) and replaced by its default, so a typo in settings.json never stops a run.
 */
export class SettingsReader {
  private reported = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  read(): Settings {
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const raw: Partial<Record<SettingName, unknown>> = {};
    for (const name of SETTING_NAMES) raw[name] = configuration.get(name);
    const { settings, problems } = parseSettings(raw);
    for (const problem of problems) {
      if (!this.reported.has(problem)) this.log.warn(`Invalid setting ${problem}`);
    }
    this.reported = new Set(problems);
    return settings;
  }

  /** Calls back with the names (without the prefix) of the settings that changed. */
  onDidChange(listener: (changed: SettingName[]) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
      const changed = SETTING_NAMES.filter((name) => event.affectsConfiguration(`${SETTINGS_SECTION}.${name}`));
      if (changed.length > 0) listener(changed);
    });
  }
}
