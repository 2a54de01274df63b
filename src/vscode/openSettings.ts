import * as vscode from 'vscode';
import { ALL_SETTINGS_QUERY, settingsPlace } from './settingsPlace';

/**
 * Opens the Settings editor on `query` where the settings apply in this window: the Remote tab in
 * a remote window, the User tab locally. Every "Open Settings" of the extension goes through here.
 */
export async function openSettings(query: string = ALL_SETTINGS_QUERY): Promise<void> {
  const place = settingsPlace(vscode.env.remoteName);
  await vscode.commands.executeCommand(place.command, ...place.args(query));
}

/** How messages name the place settings are saved in, in this window. */
export function settingsPlaceLabel(): string {
  return settingsPlace(vscode.env.remoteName).label;
}
