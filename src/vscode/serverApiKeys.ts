import * as vscode from 'vscode';
import type { ApiKeyChange } from '../app/modelConfiguration';
import { baseUrl } from '../model/server/serverHttp';
import { openSettings } from './openSettings';

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

  async has(serverUrl: string): Promise<boolean> {
    return (await this.get(serverUrl)) !== undefined;
  }

  /** Keeps, removes or replaces the key of the server at `serverUrl`; resolves true when it changed. */
  async change(serverUrl: string, change: ApiKeyChange): Promise<boolean> {
    const key = secretKey(serverUrl);
    if (!key || change.action === 'keep') return false;
    const before = await this.secrets.get(key);
    if (change.action === 'remove') {
      if (before === undefined) return false;
      await this.secrets.delete(key);
      return true;
    }
    if (before === change.key) return false;
    await this.secrets.store(key, change.key);
    return true;
  }

  /**
   * The "Set Server API Key…" command: asks for the key of the configured server (empty removes
   * it). Resolves true when the stored key changed.
   */
  async promptAndStore(serverUrl: string): Promise<boolean> {
    const key = secretKey(serverUrl);
    if (!key) {
      const configure = 'Configure Model…';
      const open = 'Open Settings';
      const choice = await vscode.window.showWarningMessage('Set locooperator.server.url to the shared server first; its API key is kept per server.', configure, open);
      if (choice === configure) await vscode.commands.executeCommand('locooperator.configureModel');
      if (choice === open) await openSettings('locooperator.server');
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
    await this.change(serverUrl, value.trim() === '' ? { action: 'remove' } : { action: 'set', key: value.trim() });
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
