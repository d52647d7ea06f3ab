/**
 * A Server-Sent Events reader (the `text/event-stream` format of the HTML standard) over web
 * streams: fields `event`, `data` and `id`; a blank line dispatches; comment lines (`:`) and other
 * fields are ignored. Chunks may split lines, CRLF pairs and UTF-8 characters anywhere.
 */

/** One dispatched message. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the message had none. */
  event: string;
  /** The `data:` lines joined by `\n`. */
  data: string;
  /** The last `id:` seen so far in the stream (it carries over to later messages); '' if none. */
  id: string;
}

const LF = 10;
const CR = 13;

/**
 * Incremental parser: feed decoded text with {@link ServerSentEventParser.push}, get the messages
 * each chunk completes. A message not ended by a blank line when the stream ends is dropped, as the
 * standard requires.
 */
export class ServerSentEventParser {
  private pendingLine = '';
  /** The previous chunk ended with CR: a LF opening the next chunk belongs to that line break. */
  private afterCr = false;
  private data = '';
  private hasData = false;
  private eventType = '';
  private lastEventId = '';

  /** Parses one chunk of text and returns the messages it completes, in order. */
  push(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let start = 0;
    if (this.afterCr && chunk.length > 0) {
      if (chunk.charCodeAt(0) === LF) start = 1;
      this.afterCr = false;
    }
    for (let i = start; i < chunk.length; i += 1) {
      const code = chunk.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const line =
        this.pendingLine === '' ? chunk.slice(start, i) : this.pendingLine + chunk.slice(start, i);
      this.pendingLine = '';
      this.processLine(line, events);
      if (code === CR) {
        if (i + 1 === chunk.length) this.afterCr = true;
        else if (chunk.charCodeAt(i + 1) === LF) i += 1;
      }
      start = i + 1;
    }
    if (start < chunk.length) this.pendingLine += chunk.slice(start);
    return events;
  }

  private processLine(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      if (this.hasData) {
        events.push({ event: this.eventType || 'message', data: this.data, id: this.lastEventId });
      }
      this.data = '';
      this.hasData = false;
      this.eventType = '';
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'id':
        // The standard ignores ids containing NUL.
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        break;
    }
  }
}

/** Parses a complete event-stream text at once. */
export function parseServerSentEvents(text: string): ServerSentEvent[] {
  return new ServerSentEventParser().push(text);
}

/**
 * Reads messages from an event-stream body until the server closes it. Leaving the loop early
 * cancels the body, which closes the connection.
 *
 * @throws whatever reading the body throws (an aborted request rejects with its abort reason).
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new ServerSentEventParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* parser.push(decoder.decode());
  } finally {
    if (!finished) {
      // The consumer stopped or reading failed: release the connection; a failure to cancel an
      // already broken stream changes nothing for the caller.
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}
