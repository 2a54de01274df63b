import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LocoOperatorApi } from '../../src/extension';
import { tinyGgufFile } from '../fakes/tinyGguf';

const REPOSITORY = 'LocoreMind/LocoOperator-4B-GGUF';
const FILE = 'LocoOperator-4B-Q4_K_M.gguf';

/** A stand-in for the model hub on loopback that serves the tiny GGUF as the Q4_K_M build. */
async function startHub(model: Buffer): Promise<{ server: Server; endpoint: string; downloads: () => number }> {
  let downloads = 0;
  const sha256 = createHash('sha256').update(model).digest('hex');
  const server = createServer((request, response) => {
    if (request.url === `/api/models/${REPOSITORY}/tree/main`) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify([{ type: 'file', path: FILE, size: model.length, lfs: { oid: sha256, size: model.length } }]));
    } else if (request.url === `/${REPOSITORY}/resolve/main/${FILE}`) {
      downloads++;
      response.setHeader('content-length', model.length);
      response.end(model);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, downloads: () => downloads };
}

describe('first question without a model', function () {
  this.timeout(120_000);
  let api: LocoOperatorApi;
  let hub: Awaited<ReturnType<typeof startHub>>;
  let scripted: string | undefined;
  const configuration = () => vscode.workspace.getConfiguration('locooperator');

  before(async () => {
    api = await vscode.extensions.getExtension<LocoOperatorApi>('locoremind.locooperator')!.activate();
    scripted = process.env.LOCOOPERATOR_SCRIPTED_MODEL;
    delete process.env.LOCOOPERATOR_SCRIPTED_MODEL;
    hub = await startHub(readFileSync(await tinyGgufFile()));
    process.env.HF_ENDPOINT = hub.endpoint;
    await configuration().update('maxTurns.medium', 1, vscode.ConfigurationTarget.Global);
    await configuration().update('contextSize', 2048, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('locooperator.newSession');
  });

  after(async () => {
    await vscode.commands.executeCommand('locooperator.newSession');
    for (const name of ['maxTurns.medium', 'contextSize']) await configuration().update(name, undefined, vscode.ConfigurationTarget.Global);
    await rm(api.downloadFolder(), { recursive: true, force: true });
    delete process.env.HF_ENDPOINT;
    if (scripted) process.env.LOCOOPERATOR_SCRIPTED_MODEL = scripted;
    await new Promise((resolve) => hub.server.close(resolve));
  });

  it('keeps the question, downloads the model, then answers it', async () => {
    assert.equal(api.modelStatus().state, 'notDownloaded');
    assert.equal(await vscode.commands.executeCommand('locooperator.ask', 'What does this project do?'), 'modelNeeded');
    // The question is a run of the view at once, waiting for the model.
    assert.equal(api.isRunning(), true);
    assert.deepEqual(
      api.sessionRuns().map((run) => [run.question, run.events.length]),
      [['What does this project do?', 0]],
    );

    await vscode.commands.executeCommand('locooperator.downloadModel');
    assert.equal(hub.downloads(), 1);
    assert.ok(existsSync(path.join(api.downloadFolder(), 'LocoOperator-4B.Q4_K_M.gguf')), 'the build is saved under its catalog name');

    // The waiting question started as soon as the model was there.
    await api.settled();
    assert.equal(api.sessionRuns().length, 1, 'the waiting run itself ran, not a second one');
    const run = api.sessionRuns().at(-1);
    assert.equal(run?.question, 'What does this project do?');
    const usage = run?.events.find((event) => event.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.completionTokens > 0, 'the downloaded model generated');
    assert.equal(api.modelStatus().state, 'ready');
  });
});
