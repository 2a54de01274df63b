import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'locoremind.locooperator';

interface CommandContribution {
  command: string;
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in this window`);
  return found;
}

describe('extension smoke', () => {
  it('activates without error', async () => {
    await extension().activate();
    assert.equal(extension().isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    await extension().activate();
    const contributed = ((extension().packageJSON.contributes?.commands ?? []) as CommandContribution[]).map(
      (entry) => entry.command,
    );
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes views that the workbench can focus', async () => {
    const views = (extension().packageJSON.contributes?.views ?? {}) as Record<string, { id: string }[]>;
    const ids = Object.values(views).flatMap((list) => list.map((view) => view.id));
    assert.ok(ids.length > 0, 'the manifest contributes no views');
    for (const id of ids) await vscode.commands.executeCommand(`${id}.focus`);
  });
});
