import * as vscode from 'vscode';
import { exploreCall } from '../app/exploreCall';
import type { Explorer } from '../app/explorer';
import type { ExploreInput } from '../protocol/exploreInput';
import { realWorkspaceRoots } from './workspaceRoots';

/** The tool's id in package.json (`languageModelTools`); agents see it as #explore. */
export const EXPLORE_LM_TOOL = 'locooperator_explore';

/**
 * The `explore` tool for VS Code's agents (Copilot's agent mode and any extension that calls
 * `vscode.lm.invokeTool`): the exploration runs as a run of the Ask view, through its queue, so a
 * person can watch its tool cards; the calling model gets the report with checked references.
 */
export function registerExploreTool(explorer: Explorer, warmModel: () => void): vscode.Disposable {
  return vscode.lm.registerTool<ExploreInput>(EXPLORE_LM_TOOL, {
    prepareInvocation(options) {
      // VS Code now asks the user to confirm the call: the model loads meanwhile.
      warmModel();
      const question = typeof options.input?.question === 'string' ? options.input.question.trim() : '';
      const folder = typeof options.input?.folder === 'string' ? options.input.folder.trim() : '';
      const where = folder ? ` in \`${folder}\`` : '';
      return {
        invocationMessage: `Exploring the codebase with LocoOperator${where}`,
        confirmationMessages: {
          title: 'Explore the codebase with LocoOperator?',
          message: new vscode.MarkdownString(
            `LocoOperator will search the workspace${where} with its local model (read-only) and report back:\n\n> ${oneLine(question) || '(no question)'}\n\nThe run shows in the LocoOperator view, where it can be stopped.`,
          ),
        },
      };
    },
    async invoke(options, token) {
      const abort = new AbortController();
      const cancellation = token.onCancellationRequested(() => abort.abort());
      try {
        if (token.isCancellationRequested) abort.abort();
        const answer = await exploreCall(options.input, { roots: realWorkspaceRoots(), explorer, signal: abort.signal, onProgress: () => {} });
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        // VS Code hands a thrown error's message to the calling model as the tool's failure.
        if (answer.isError) throw new Error(answer.text);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
      } finally {
        cancellation.dispose();
      }
    },
  });
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
