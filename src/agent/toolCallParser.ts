import { errorMessage } from '../protocol/errorMessage';

/**
 * Turns the model's streamed text into plain text and tool calls. A `<tool_call>` block is
 * reported the moment its closing tag arrives, so the loop can run it while the model is still
 * writing the next one. Chunks may split anywhere, even inside a tag.
 *
 * The model also writes about tool calls: a report may say "the `<tool_call>` tags" or show one
 * in a code fence. Such a mention is text. A tag opens a call only outside code fences, and only
 * where the training data put one: at the start of a line or right after another call, or
 * anywhere when a JSON object follows it. Inside a call, `</tool_call>` within a JSON string (a Grep pattern, say) does not
 * close it; a tag at the start of a line always does, since a JSON string cannot hold a line
 * break.
 */

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';
/** A code fence opens or closes on a line that starts with up to three spaces and three backticks or tildes. */
const FENCE = /^ {0,3}(```|~~~)/;
const FENCE_PREFIX = /^ {0,3}(`{0,2}|~{0,2})$/;

export type ParsedToolCall =
  | { ok: true; name: string; args: unknown; raw: string }
  | { ok: false; name: string; error: string; raw: string };

export type ParserEvent = { type: 'text'; text: string } | { type: 'toolCall'; call: ParsedToolCall };

export class ToolCallStreamParser {
  private buffer = '';
  private insideCall = false;
  /** Text state: whether the buffer starts a line, only blanks precede it on its line, and a code fence is open. */
  private atLineStart = true;
  private onlyBlanksBefore = true;
  private inFence = false;
  /** Call state: how far the call's JSON is scanned, and whether that point is inside a string. */
  private scanned = 0;
  private inString = false;
  private escaped = false;

  push(chunk: string): ParserEvent[] {
    this.buffer += chunk;
    return this.drain(false);
  }

  /** Flushes what is left when generation ends; an unclosed call becomes a malformed call. */
  end(): ParserEvent[] {
    const events = this.drain(true);
    const rest = this.buffer;
    this.buffer = '';
    if (this.insideCall) {
      this.insideCall = false;
      events.push({
        type: 'toolCall',
        call: {
          ok: false,
          name: guessName(rest),
          raw: rest,
          error: 'The tool call was not closed with </tool_call> (the reply ended first). Write the complete call again.',
        },
      });
    } else if (rest) {
      events.push({ type: 'text', text: rest });
    }
    return events;
  }

  private drain(final: boolean): ParserEvent[] {
    const events: ParserEvent[] = [];
    for (;;) {
      if (this.insideCall) {
        const end = this.findClose();
        if (end < 0) return events;
        events.push({ type: 'toolCall', call: parseToolCall(this.buffer.slice(0, end)) });
        this.buffer = this.buffer.slice(end + CLOSE.length);
        this.insideCall = false;
        // The next call may follow on the same line: only blanks since the last one count as a line start.
        this.atLineStart = false;
        this.onlyBlanksBefore = true;
        continue;
      }
      const { textEnd, opens } = this.scanText(final);
      if (textEnd > 0) events.push({ type: 'text', text: this.buffer.slice(0, textEnd) });
      this.buffer = this.buffer.slice(textEnd);
      if (!opens) return events;
      this.buffer = this.buffer.slice(OPEN.length);
      this.insideCall = true;
      this.scanned = 0;
      this.inString = false;
      this.escaped = false;
    }
  }

  /**
   * Finds where the text ends: at a tag that opens a call, or where the buffer can no longer be
   * judged without the next chunk (a partial tag or fence marker is held back). Updates the
   * line and fence state for the text it lets through.
   */
  private scanText(final: boolean): { textEnd: number; opens: boolean } {
    const buffer = this.buffer;
    for (let i = 0; i < buffer.length; i++) {
      if (this.atLineStart) {
        const rest = buffer.slice(i, i + 6);
        if (!final && !rest.includes('\n') && rest.length < 6 && FENCE_PREFIX.test(rest)) return { textEnd: i, opens: false };
        if (FENCE.test(buffer.slice(i, i + 6))) this.inFence = !this.inFence;
        this.atLineStart = false;
        this.onlyBlanksBefore = true;
      }
      if (buffer[i] === '<') {
        const candidate = buffer.slice(i, i + OPEN.length);
        if (!final && candidate.length < OPEN.length && OPEN.startsWith(candidate)) return { textEnd: i, opens: false };
        if (candidate === OPEN && !this.inFence) {
          if (this.onlyBlanksBefore) return { textEnd: i, opens: true };
          const next = /\S/.exec(buffer.slice(i + OPEN.length));
          if (!next && !final) return { textEnd: i, opens: false };
          if (next?.[0] === '{') return { textEnd: i, opens: true };
        }
      }
      const char = buffer[i]!;
      if (char === '\n') this.atLineStart = true;
      else if (char !== ' ' && char !== '\t') this.onlyBlanksBefore = false;
    }
    return { textEnd: buffer.length, opens: false };
  }

  /** Where the call's closing tag starts, or -1 until it has arrived. */
  private findClose(): number {
    const buffer = this.buffer;
    for (let i = this.scanned; i < buffer.length; i++) {
      if (buffer.startsWith('</', i) || (buffer[i] === '<' && i === buffer.length - 1)) {
        const candidate = buffer.slice(i, i + CLOSE.length);
        if (candidate.length < CLOSE.length && CLOSE.startsWith(candidate)) {
          this.scanned = i;
          return -1;
        }
        if (candidate === CLOSE && (!this.inString || buffer[i - 1] === '\n')) return i;
      }
      const char = buffer[i]!;
      if (this.escaped) this.escaped = false;
      else if (this.inString && char === '\\') this.escaped = true;
      else if (char === '"') this.inString = !this.inString;
      // A JSON string cannot hold a line break: a quote left open by malformed JSON ends here.
      else if (char === '\n') this.inString = false;
    }
    this.scanned = buffer.length;
    return -1;
  }
}

/** The text of a finished reply without its tool calls, judged exactly as while streaming. */
export function textOutsideToolCalls(reply: string): string {
  const parser = new ToolCallStreamParser();
  return [...parser.push(reply), ...parser.end()].flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');
}

const EXAMPLE = '{"name": "Read", "arguments": {"file_path": "/absolute/path"}}';

function parseToolCall(raw: string): ParsedToolCall {
  const body = raw.trim();
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const reason = errorMessage(error);
    return {
      ok: false,
      name: guessName(body),
      raw,
      error: `The tool call is not valid JSON (${reason}). Write one JSON object per <tool_call> block, for example ${EXAMPLE}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, name: 'unknown', raw, error: `The tool call must be a JSON object like ${EXAMPLE}` };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.name !== 'string' || record.name.trim() === '') {
    return { ok: false, name: 'unknown', raw, error: `The tool call has no "name" string. Write it like ${EXAMPLE}` };
  }
  // The proxy the model was trained behind also accepted "input" for "arguments".
  let args = record.arguments ?? record.input ?? {};
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      return { ok: false, name: record.name, raw, error: `The "arguments" of ${record.name} must be a JSON object, not a string.` };
    }
  }
  return { ok: true, name: record.name.trim(), args, raw };
}

function guessName(text: string): string {
  return /"name"\s*:\s*"([A-Za-z_][\w-]{0,40})"/.exec(text)?.[1] ?? 'unknown';
}
