import * as vscode from 'vscode';
import { exploreCall } from '../app/exploreCall';
import type { Explorer } from '../app/explorer';
import type { ExploreInput } from '../protocol/exploreInput';
import type { Thoroughness } from '../protocol/webview';

export const CHAT_PARTICIPANT_ID = 'locooperator.explorer';

/** What a reply remembers for its follow-ups. */
interface ReplyMetadata {
  question: string;
  thoroughness: Thoroughness;
  references: string[];
}

/** `/quick` and `/thorough` (package.json's chatParticipants commands) pick the turn budget. */
const COMMAND_THOROUGHNESS: Record<string, Thoroughness> = { quick: 'quick', thorough: 'veryThorough' };

/** The part of a ChatResponseStream the handler writes to. */
export type ExploreChatStream = Pick<vscode.ChatResponseStream, 'progress' | 'markdown' | 'anchor'>;

/**
 * `@locooperator` in VS Code's chat: the question is explored through the Ask view's queue, a
 * progress line shows each tool call, the report arrives as markdown, and each verified
 * reference as an anchor that opens the file at its lines. A folder or file attached to the
 * question (`#file`, drag and drop) becomes its focus.
 */
export function registerChatParticipant(explorer: Explorer, roots: () => readonly string[]): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, (request, _context, stream, token) =>
    exploreChatReply({ prompt: request.prompt, command: request.command, references: request.references }, stream, token, { explorer, roots: roots() }),
  );
  participant.iconPath = new vscode.ThemeIcon('search');
  participant.followupProvider = { provideFollowups: (result) => followups(result.metadata as ReplyMetadata | undefined) };
  return participant;
}

export async function exploreChatReply(
  request: Pick<vscode.ChatRequest, 'prompt' | 'command' | 'references'>,
  stream: ExploreChatStream,
  token: vscode.CancellationToken,
  context: { explorer: Explorer; roots: readonly string[] },
): Promise<vscode.ChatResult> {
  const thoroughness = (request.command && COMMAND_THOROUGHNESS[request.command]) || 'medium';
  const folder = attachedPlace(request.references);
  const input: ExploreInput = { question: request.prompt, thoroughness, ...(folder === undefined ? {} : { folder }) };
  const abort = new AbortController();
  const cancellation = token.onCancellationRequested(() => abort.abort());
  try {
    const answer = await exploreCall(input, { roots: context.roots, explorer: context.explorer, signal: abort.signal, onProgress: (line) => stream.progress(line) });
    if (answer.isError) return { errorDetails: { message: answer.text } };
    stream.markdown(answer.report);
    if (answer.references.length > 0) {
      stream.markdown('\n\n**References**\n\n');
      for (const reference of answer.references) {
        stream.markdown('- ');
        stream.anchor(locationOf(reference), reference.label);
        stream.markdown('\n');
      }
    }
    if (answer.unverified.length > 0) {
      stream.markdown(`\n\n**Not verified** (not found in the workspace as written)\n\n${answer.unverified.map(({ label, why }) => `- \`${label}\`: ${why}`).join('\n')}\n`);
    }
    const metadata: ReplyMetadata = { question: input.question, thoroughness, references: answer.references.map((reference) => reference.label) };
    return { metadata };
  } finally {
    cancellation.dispose();
  }
}

function followups(metadata: ReplyMetadata | undefined): vscode.ChatFollowup[] {
  if (!metadata) return [];
  const offers: vscode.ChatFollowup[] = [];
  if (metadata.thoroughness !== 'veryThorough') offers.push({ prompt: metadata.question, command: 'thorough', label: 'Explore this more thoroughly' });
  const file = metadata.references[0]?.replace(/(?::\d+(?:-\d+)?)$/, '');
  if (file) offers.push({ prompt: `Explain ${file}: what it does and how the rest of the code uses it.`, label: `Explain ${file}` });
  return offers;
}

/** The first file or folder attached to the question, as a path. */
function attachedPlace(references: readonly vscode.ChatPromptReference[]): string | undefined {
  for (const reference of references) {
    const value = reference.value;
    if (value instanceof vscode.Uri && value.scheme === 'file') return value.fsPath;
    if (value instanceof vscode.Location && value.uri.scheme === 'file') return value.uri.fsPath;
  }
  return undefined;
}

function locationOf(reference: { path: string; line?: number; endLine?: number }): vscode.Location | vscode.Uri {
  const uri = vscode.Uri.file(reference.path);
  if (reference.line === undefined) return uri;
  return new vscode.Location(uri, new vscode.Range(reference.line - 1, 0, (reference.endLine ?? reference.line) - 1, 0));
}
