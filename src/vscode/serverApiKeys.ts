import * as vscode from 'vscode';
import { baseUrl } from '../model/server/serverHttp';

/**
 * Shared servers' API keys, in VS Code's SecretStorage (the OS keychain), never in settings or the
 * log. A key belongs to one server origin (scheme, host and port), so changing the URL to another
 * server never sends it the key meant for the first.
 */
export class ServerApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(serverUrl: string): Thenable<string | undefined> {
    const key = secretKey(serverUrl);
    return key ? this.secrets.get(key) : Promise.resolve(undefined);
  }

  /**
   * The "Set Server API Key…" command: asks for the key of the configured server (empty removes
   * it). Resolves true when the stored key changed.
   */
  async promptAndStore(serverUrl: string): Promise<boolean> {
    const key = secretKey(serverUrl);
    if (!key) {
      const open = 'Open Settings';
      const choice = await vscode.window.showWarningMessage('Set locooperator.server.url to the shared server first; its API key is kept per server.', open);
      if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'locooperator.server');
      return false;
    }
    const origin = key.slice(SECRET_PREFIX.length);
    const value = await vscode.window.showInputBox({
      title: 'LocoOperator: Set Server API Key',
      prompt: `The API key for ${origin}, kept in VS Code's secret storage. Leave empty to remove it.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return false;
    if (value.trim() === '') await this.secrets.delete(key);
    else await this.secrets.store(key, value.trim());
    void vscode.window.showInformationMessage(value.trim() === '' ? `Removed the API key for ${origin}.` : `Saved the API key for ${origin}.`);
    return true;
  }
}

const SECRET_PREFIX = 'locooperator.server.apiKey:';

function secretKey(serverUrl: string): string | undefined {
  const trimmed = serverUrl.trim();
  if (!trimmed) return undefined;
  try {
    return SECRET_PREFIX + baseUrl(trimmed).origin;
  } catch {
    return undefined;
  }
}
