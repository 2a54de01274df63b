import { describe, expect, it } from 'vitest';
import { ALL_SETTINGS_QUERY, settingsPlace } from '../../../src/vscode/settingsPlace';
import pkg from '../../../package.json';

describe('settingsPlace', () => {
  it('opens the User tab in a local window, with the query as VS Code takes it', () => {
    const place = settingsPlace(undefined);
    expect(place.label).toBe('User settings');
    expect([place.command, ...place.args('locooperator.server')]).toEqual(['workbench.action.openSettings', 'locooperator.server']);
  });

  it('opens the Remote tab in any remote window (SSH, WSL, a container, code-server), with the query in an options object', () => {
    for (const remoteName of ['ssh-remote', 'wsl', 'dev-container', '127.0.0.1:8080']) {
      const place = settingsPlace(remoteName);
      expect(place.label).toBe('Remote settings');
      expect([place.command, ...place.args(ALL_SETTINGS_QUERY)]).toEqual(['workbench.action.openRemoteSettings', { query: '@ext:locoremind.locooperator' }]);
    }
  });

  it("names the extension's own settings by the manifest's id, and none of them is application-scoped (the Remote tab lists them all)", () => {
    expect(ALL_SETTINGS_QUERY).toBe(`@ext:${pkg.publisher}.${pkg.name}`);
    const scopes = Object.values(pkg.contributes.configuration.properties as Record<string, { scope?: string }>).map((property) => property.scope ?? 'window');
    expect(scopes.filter((scope) => scope === 'application')).toEqual([]);
  });

  it('keeps the back-end, the server and the model file machine-scoped: they apply per machine, from the Remote tab in a remote window', () => {
    const properties = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
    for (const name of ['backend', 'server.url', 'server.model', 'model.path', 'server.connectTimeoutSeconds', 'server.firstTokenTimeoutSeconds', 'server.idleTimeoutSeconds']) {
      expect(properties[`locooperator.${name}`]?.scope, name).toBe('machine');
    }
  });
});
