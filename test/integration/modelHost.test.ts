import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LocoOperatorApi } from '../../src/extension';
import { tinyGgufFile } from '../fakes/tinyGguf';

/** Model host processes that this extension host started (Linux /proc). */
function modelHostPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // Field 4 of /proc/PID/stat is the parent's pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (cmdline.includes('model-host.mjs') && parent === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const configuration = () => vscode.workspace.getConfiguration('locooperator');

describe('model host lifecycle (tiny GGUF, real engine)', function () {
  this.timeout(120_000);
  let api: LocoOperatorApi;
  let scripted: string | undefined;

  before(async () => {
    api = await vscode.extensions.getExtension<LocoOperatorApi>('locoremind.locooperator')!.activate();
    scripted = process.env.LOCOOPERATOR_SCRIPTED_MODEL;
    delete process.env.LOCOOPERATOR_SCRIPTED_MODEL;
    await configuration().update('maxTurns.medium', 1, vscode.ConfigurationTarget.Global);
    await configuration().update('contextSize', 2048, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('locooperator.newSession');
  });

  after(async () => {
    for (const name of ['model.path', 'maxTurns.medium', 'contextSize']) await configuration().update(name, undefined, vscode.ConfigurationTarget.Global);
    if (scripted) process.env.LOCOOPERATOR_SCRIPTED_MODEL = scripted;
  });

  it('refuses a model file that is not a GGUF, saying what to do', async () => {
    const notAModel = path.join(mkdtempSync(path.join(tmpdir(), 'loco-model-')), 'notes.gguf');
    writeFileSync(notAModel, 'these are notes, not weights\n');
    await configuration().update('model.path', notAModel, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'Anything?'), 'failed');
    const status = api.modelStatus();
    assert.equal(status.state, 'error');
    if (status.state !== 'error') return;
    assert.match(status.message, /notes\.gguf/);
    assert.deepEqual(status.actions, ['selectFile', 'openSettings', 'showLog']);
    assert.deepEqual(modelHostPids(), [], 'a bad file never reaches the model host');
    await configuration().update('model.path', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts the host on the first question, reports its backend, and stops it when the model setting changes', async () => {
    const model = await tinyGgufFile();
    await configuration().update('model.path', model, vscode.ConfigurationTarget.Global);
    await until(() => api.modelStatus().state === 'notLoaded', 'the model file is noticed');
    assert.deepEqual(modelHostPids(), [], 'nothing is started before a question');

    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'What is in this workspace?'), 'started');
    await api.settled();
    const run = api.sessionRuns().at(-1)!;
    const usage = run.events.find((event) => event.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.completionTokens > 0, 'the engine generated tokens');
    const finished = run.events.at(-1);
    assert.ok(finished?.type === 'run/finished' && finished.reason !== 'error', `the run failed: ${finished?.type === 'run/finished' ? finished.error : ''}`);
    assert.deepEqual(api.modelStatus(), { state: 'ready', modelName: model.split('/').at(-1), backend: 'CPU' });
    assert.equal(modelHostPids().length, 1, 'one model host runs');

    await configuration().update('model.path', undefined, vscode.ConfigurationTarget.Global);
    await until(() => modelHostPids().length === 0, 'the model host has exited');
    await until(() => api.modelStatus().state === 'notDownloaded', 'the view offers the download again');
  });
});
