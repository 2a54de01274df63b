import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { openLocoOperatorView, openWorkbench, screenshot, type Workbench } from './support/workbench';

/**
 * Model output and file contents are untrusted. A scripted model answers with everything a
 * hostile model could write — script tags, event handlers, javascript: and command: links,
 * remote images, frames, styles, a 1 MB line — and reads a small file that holds the same markup
 * (small, so that Read returns it rather than refusing a huge file). In the real
 * browser, nothing may execute, nothing may be fetched, and the view must stay usable.
 */
describe('hostile model output in the Ask view', () => {
  let workbench: Workbench;
  let server: Server;
  const requests: string[] = [];
  const dialogs: string[] = [];
  let origin = '';

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end('');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const payload = (tag: string) =>
      [
        `<script>document.body.dataset.pwned = '${tag}-script'</script>`,
        `<img src="${origin}/${tag}-img.png" onerror="document.body.dataset.pwned = '${tag}-onerror'">`,
        `<a href="javascript:document.body.dataset.pwned = '${tag}-href'">raw ${tag} link</a>`,
        `<iframe src="${origin}/${tag}-frame"></iframe>`,
        `<style>body { display: none !important; }</style>`,
        `<svg onload="document.body.dataset.pwned = '${tag}-svg'"></svg>`,
      ].join('\n');
    const hugeLine = 'A'.repeat(1_000_000);
    const report = [
      '## Findings',
      payload('report'),
      `[markdown ${'javascript'} link](javascript:document.body.dataset.pwned='md-href')`,
      '[command link](command:workbench.action.closeWindow)',
      `![remote image](${origin}/md-image.png)`,
      `<${origin}/autolink>`,
      `A very long line follows.\n\n${hugeLine}\n\nThe end.`,
    ].join('\n\n');

    const transcriptFile = path.join(mkdtempSync(path.join(tmpdir(), 'loco-hostile-')), 'transcript.json');
    const toolCall = JSON.stringify({ name: 'Read', arguments: { file_path: '${workspaceFolder}/hostile.md' } });
    writeFileSync(
      transcriptFile,
      JSON.stringify({
        chunkSize: 65_536,
        turns: [`${payload('stream')}\n<tool_call>\n${toolCall}\n</tool_call>`, report],
      }),
    );
    workbench = await openWorkbench({ theme: 'dark', name: 'hostile', scriptedModel: transcriptFile });
    writeFileSync(path.join(workbench.workspace.root, 'hostile.md'), `${payload('file')}\n`);
    workbench.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  after(async () => {
    await workbench?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('renders it as text: nothing executes, loads or freezes', async () => {
    const { page } = workbench;
    const view = await openLocoOperatorView(page);
    const box = view.getByRole('textbox', { name: 'Question about this workspace' });
    await box.fill('Summarise hostile.md');
    await box.press('Enter');
    await view.locator('.report').waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      await screenshot(page, 'hostile-failure');
      throw error;
    });
    await view.locator('.report', { hasText: 'The end.' }).waitFor({ timeout: 60_000 });

    // Still usable: the question box takes input after a megabyte of report.
    await box.fill('still responsive');
    assert.equal(await box.inputValue(), 'still responsive');

    // Links the model wrote do nothing when clicked.
    for (const text of ['raw report link', 'markdown javascript link', 'command link']) {
      const link = view.getByText(text).first();
      if ((await link.count()) > 0) await link.click();
    }
    await view.locator('.tool-card').first().waitFor();
    await view.locator('.tool-card .tool-card-toggle').first().click();
    // The file leg ran: Read returned the file's markup, shown as text.
    await view.locator('.tool-card.status-done .tool-pre', { hasText: "dataset.pwned = 'file-script'" }).first().waitFor();
    await page.waitForTimeout(1000);

    assert.equal(await view.locator('body[data-pwned]').count(), 0, 'model or file text ran as script');
    // Only the view's own script and VS Code's are in the page; none of the model's.
    assert.equal(await view.locator('script', { hasText: 'pwned' }).count(), 0);
    assert.equal(await view.locator('style', { hasText: 'display: none' }).count(), 0);
    assert.equal(await view.locator('iframe, object, embed, svg[onload]').count(), 0);
    assert.equal(await view.locator('a[href^="javascript:"], a[href^="command:"], [onerror], [onload], [onclick]').count(), 0);
    assert.equal(await view.locator(`img[src^="http"]`).count(), 0);
    assert.equal(await view.locator('.report').isVisible(), true, 'a model-written style hid the view');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, [], `the view fetched ${requests.join(', ')}`);
    await screenshot(page, 'hostile-output-dark');
  });
});
