import * as vscode from 'vscode';
import type { AskViewProvider } from './askViewProvider';
import type { RunController, StartResult } from '../app/runController';
import { explainRequest, fileScope, folderScope, questionRequest, selectionScope } from '../app/runRequests';
import { rootLabels } from '../tools/support/rootLabels';
import { isInside } from '../tools/support/workspacePaths';
import { workspaceRoots } from './workspaceRoots';

export interface CommandDependencies {
  view: AskViewProvider;
  controller: RunController;
  log: vscode.LogOutputChannel;
  downloadModel(): Promise<void>;
  selectModelFile(): Promise<void>;
  setServerApiKey(): Promise<void>;
  configureModel(): Promise<void>;
}

/**
 * The palette and context-menu commands. Commands that start a run accept their input as
 * arguments too (a question string, a folder or file URI), which is how menus call them and how
 * tests drive them without input boxes; they resolve to the run's StartResult.
 */
export function registerCommands(deps: CommandDependencies): vscode.Disposable[] {
  const { view, controller } = deps;
  const register = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);

  return [
    register('locooperator.ask', async (question?: unknown) => {
      const roots = requireRoots();
      if (!roots) return;
      const text = await questionFrom(question, {
        title: 'Ask LocoOperator',
        prompt: 'A question about this workspace',
        placeHolder: 'e.g. Where are HTTP routes registered?',
      });
      if (!text?.trim()) return;
      await view.reveal();
      // The input box took the focus; the next question (a follow-up) is typed in the view.
      view.focusInput();
      return view.startRun(questionRequest(text.trim(), view.currentScope, roots, view.currentThoroughness));
    }),

    register('locooperator.explainFolder', async (target?: unknown) => {
      const roots = requireRoots();
      if (!roots) return;
      // A menu gives the folder clicked; elsewhere (the walkthrough's button) it is a workspace folder.
      const folder = target instanceof vscode.Uri ? target : await pickWorkspaceFolder(roots);
      if (!folder) return;
      if (!insideWorkspace(folder, roots)) return;
      return explain(folderScope(folder.fsPath, roots), roots);
    }),

    register('locooperator.explainFile', async (target?: unknown) => {
      const roots = requireRoots();
      const file = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
      if (!roots) return;
      if (!file) {
        void vscode.window.showInformationMessage('Open a file, or right-click one in the Explorer, to explain it.');
        return;
      }
      if (!insideWorkspace(file, roots)) return;
      return explain(fileScope(file.fsPath, roots), roots);
    }),

    register('locooperator.askAboutSelection', async (question?: unknown) => {
      const roots = requireRoots();
      const editor = vscode.window.activeTextEditor;
      if (!roots) return;
      if (!editor || editor.selection.isEmpty) {
        void vscode.window.showInformationMessage('Select some code in an editor to ask about it.');
        return;
      }
      if (!insideWorkspace(editor.document.uri, roots)) return;
      const asked = await questionFrom(question, {
        title: 'Ask About Selection',
        prompt: 'What do you want to know about the selected code? (Leave empty to have it explained.)',
      });
      if (asked === undefined) return;
      const { start, end } = editor.selection;
      // A selection that ends at the start of a line does not include that line.
      const endLine = end.character === 0 && end.line > start.line ? end.line : end.line + 1;
      const selection = { file: editor.document.uri.fsPath, startLine: start.line + 1, endLine };
      const text = editor.document.getText(new vscode.Range(start.line, 0, endLine - 1, editor.document.lineAt(endLine - 1).range.end.character));
      return explain(selectionScope(selection, roots), roots, { ...selection, text }, asked);
    }),

    register('locooperator.stop', () => controller.stop()),

    register('locooperator.openAskView', () => view.reveal()),

    register('locooperator.newSession', async () => {
      await view.newSession();
      await view.reveal();
      view.focusInput();
    }),

    register('locooperator.downloadModel', () => deps.downloadModel()),
    register('locooperator.selectModelFile', () => deps.selectModelFile()),
    register('locooperator.setServerApiKey', () => deps.setServerApiKey()),
    register('locooperator.configureModel', () => deps.configureModel()),
    register('locooperator.showLog', () => deps.log.show()),
  ];

  async function explain(
    scope: Parameters<typeof explainRequest>[0],
    roots: string[],
    selection?: Parameters<typeof explainRequest>[3],
    question?: string,
  ): Promise<StartResult> {
    await view.reveal();
    view.setScope(scope);
    return view.startRun(explainRequest(scope, roots, view.currentThoroughness, selection, question));
  }
}

/** The question a command was given, or one the user types (undefined when they cancel). */
async function questionFrom(argument: unknown, box: vscode.InputBoxOptions): Promise<string | undefined> {
  if (typeof argument === 'string') return argument;
  return vscode.window.showInputBox({ ...box, ignoreFocusOut: true });
}

function requireRoots(): string[] | undefined {
  const roots = workspaceRoots();
  if (roots.length > 0) return roots;
  void vscode.window.showInformationMessage('Open a folder first: LocoOperator answers questions about the folders of the workspace.');
  return undefined;
}

/** The only workspace folder, or the one the user picks (undefined when they cancel). */
async function pickWorkspaceFolder(roots: readonly string[]): Promise<vscode.Uri | undefined> {
  if (roots.length === 1) return vscode.Uri.file(roots[0]!);
  const picked = await vscode.window.showQuickPick(
    [...rootLabels(roots)].map(([root, label]) => ({ label, description: root, root })),
    { title: 'Explain This Folder', placeHolder: 'Which workspace folder should LocoOperator explain?' },
  );
  return picked && vscode.Uri.file(picked.root);
}

function insideWorkspace(uri: vscode.Uri, roots: readonly string[]): boolean {
  if (uri.scheme === 'file' && roots.some((root) => isInside(uri.fsPath, root))) return true;
  void vscode.window.showInformationMessage('LocoOperator explores only the folders of this workspace.');
  return false;
}
