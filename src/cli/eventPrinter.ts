import type { AgentEvent } from '../protocol/agentEvent';
import { formatCount, plural } from '../protocol/counts';

/**
 * Prints a run for a person at a terminal: the model's text as it streams, one line per tool call
 * and its result, sub-agents indented under their Task call, and a summary line at the end (with
 * the tokens of the whole run, sub-agents included, counted as the view's footer counts them).
 */
export function createEventPrinter(write: (text: string) => void): (event: AgentEvent) => void {
  const depthByRun = new Map<string, number>();
  const depthByCall = new Map<string, number>();
  let atLineStart = true;
  let evaluatedTokens = 0;
  let completionTokens = 0;
  const line = (depth: number, text: string) => {
    write(`${atLineStart ? '' : '\n'}${'  '.repeat(depth)}${text}\n`);
    atLineStart = true;
  };

  return (event) => {
    const depth = depthByRun.get(event.runId) ?? 0;
    switch (event.type) {
      case 'run/started': {
        const parentDepth = event.parentCallId ? (depthByCall.get(event.parentCallId) ?? 0) + 1 : 0;
        depthByRun.set(event.runId, parentDepth);
        if (event.parentCallId) line(parentDepth, `sub-agent: ${oneLine(event.task)}`);
        return;
      }
      case 'text/delta': {
        // Sub-agent text stays out of the way, and so do the newlines between tool calls.
        if (depth > 0 || (atLineStart && event.text.trim() === '')) return;
        write(event.text);
        atLineStart = event.text.endsWith('\n');
        return;
      }
      case 'tool/call':
        depthByCall.set(event.callId, depth);
        line(depth, `● ${event.title}`);
        return;
      case 'tool/result': {
        // Parallel calls finish in any order, so each result names its call again.
        const size = event.truncated ? `${event.outputChars} chars, truncated` : `${event.outputChars} chars`;
        const detail = event.status === 'done' ? size : firstLine(event.output);
        line(depth, `  ⎿ ${event.title}: ${event.status} (${Math.round(event.durationMs)} ms) ${detail}`);
        return;
      }
      case 'usage':
        evaluatedTokens += event.evaluatedTokens;
        completionTokens += event.completionTokens;
        return;
      case 'run/finished': {
        if (depth > 0) return;
        const reason = event.reason === 'done' ? '' : ` — ${event.reason}${event.error ? `: ${event.error}` : ''}`;
        const tokens = `${formatCount(evaluatedTokens)} in / ${formatCount(completionTokens)} out tokens`;
        line(0, `\n[${plural(event.turns, 'turn')}, ${plural(event.toolCalls, 'tool call')}, ${tokens}, ${(event.durationMs / 1000).toFixed(1)} s${reason}]`);
        return;
      }
      default:
        return;
    }
  };
}

/**
 * After the report: the references in it that did not check out against the workspace, each
 * with the reason the view gives in its tooltip (the report has already streamed by).
 */
export function unverifiedReferencesNote(unverified: readonly { label: string; why: string }[]): string {
  if (unverified.length === 0) return '';
  const lines = unverified.map(({ label, why }) => `  ${label}: ${why}`);
  return `\nNot verified (the model may have invented ${unverified.length === 1 ? 'this reference' : 'these references'}):\n${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

function firstLine(text: string): string {
  return oneLine(text.replace(/<\/?tool_use_error>/g, '').split('\n')[0] ?? '');
}
