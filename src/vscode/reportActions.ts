import path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../protocol/webview';

export type ReportAction = 'copy' | 'save' | 'openInEditor';

/** A finished run's report as markdown, under its question; undefined when the run has none. */
export function reportMarkdown(run: RunRecord | undefined): string | undefined {
  const finished = run?.events.findLast((event) => event.type === 'run/finished' && event.runId === run.runId);
  const report = finished?.type === 'run/finished' ? finished.report : undefined;
  return run && report ? `# ${run.question}\n\n${report}\n` : undefined;
}

/** Copies, saves (asking where, in the first workspace folder by default) or opens a report. */
export async function runReportAction(action: ReportAction, run: RunRecord, markdown: string, folder: string | undefined, log: vscode.LogOutputChannel): Promise<void> {
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(markdown);
    vscode.window.setStatusBarMessage('$(check) LocoOperator report copied', 3000);
    return;
  }
  if (action === 'openInEditor') {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, { preview: false });
    return;
  }
  const name = `${slug(run.question) || 'report'}.md`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save LocoOperator Report',
    filters: { Markdown: ['md'] },
    ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, name)) } : {}),
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(markdown, 'utf8'));
  log.info(`Report saved to ${target.fsPath}`);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
