/**
 * Turns the model's streamed text into plain text and tool calls. A `<tool_call>` block is
 * reported the moment its closing tag arrives, so the loop can run it while the model is still
 * writing the next one. Chunks may split anywhere, even inside a tag.
 */

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

export type ParsedToolCall =
  | { ok: true; name: string; args: unknown; raw: string }
  | { ok: false; name: string; error: string; raw: string };

export type ParserEvent = { type: 'text'; text: string } | { type: 'toolCall'; call: ParsedToolCall };

export class ToolCallStreamParser {
  private buffer = '';
  private insideCall = false;

  push(chunk: string): ParserEvent[] {
    this.buffer += chunk;
    const events: ParserEvent[] = [];
    for (;;) {
      if (this.insideCall) {
        const end = this.buffer.indexOf(CLOSE);
        if (end < 0) return events;
        events.push({ type: 'toolCall', call: parseToolCall(this.buffer.slice(0, end)) });
        this.buffer = this.buffer.slice(end + CLOSE.length);
        this.insideCall = false;
        continue;
      }
      const start = this.buffer.indexOf(OPEN);
      if (start >= 0) {
        if (start > 0) events.push({ type: 'text', text: this.buffer.slice(0, start) });
        this.buffer = this.buffer.slice(start + OPEN.length);
        this.insideCall = true;
        continue;
      }
      // Hold back a tail that could still become `<tool_call>` with the next chunk.
      const keep = partialTagLength(this.buffer, OPEN);
      const text = this.buffer.slice(0, this.buffer.length - keep);
      if (text) events.push({ type: 'text', text });
      this.buffer = this.buffer.slice(this.buffer.length - keep);
      return events;
    }
  }

  /** Flushes what is left when generation ends; an unclosed call becomes a malformed call. */
  end(): ParserEvent[] {
    const rest = this.buffer;
    this.buffer = '';
    if (this.insideCall) {
      this.insideCall = false;
      return [
        {
          type: 'toolCall',
          call: {
            ok: false,
            name: guessName(rest),
            raw: rest,
            error: 'The tool call was not closed with </tool_call> (the reply ended first). Write the complete call again.',
          },
        },
      ];
    }
    return rest ? [{ type: 'text', text: rest }] : [];
  }
}

function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}

const EXAMPLE = '{"name": "Read", "arguments": {"file_path": "/absolute/path"}}';

function parseToolCall(raw: string): ParsedToolCall {
  const body = raw.trim();
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
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
