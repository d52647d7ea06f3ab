import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseServerSentEvents,
  readServerSentEvents,
  ServerSentEventParser,
  type ServerSentEvent,
} from '../../src/blocks/index.js';

/** Feeds `text` to one parser in pieces cut at `cuts` (sorted positions). */
function parseInPieces(text: string, cuts: number[]): ServerSentEvent[] {
  const parser = new ServerSentEventParser();
  const events: ServerSentEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    events.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  return events;
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(body)) events.push(event);
  return events;
}

const SAMPLE =
  ': replay follows\r\n' +
  'id: 1\r\nevent: workflow_started\r\ndata: {"event":"workflow_started"}\r\n\r\n' +
  'id: 2\nevent: step_started\ndata: {"a":\ndata:  1}\n\n' +
  ':keep-alive\r' +
  'data:no space\r\r' +
  'retry: 3000\nunknown: field\ndata\n\n' +
  'id: 3\ndata: ünïcødé ✓ 😀\n\n' +
  'data: never ended';

const SAMPLE_EVENTS: ServerSentEvent[] = [
  { id: '1', event: 'workflow_started', data: '{"event":"workflow_started"}' },
  { id: '2', event: 'step_started', data: '{"a":\n 1}' },
  { id: '2', event: 'message', data: 'no space' },
  { id: '2', event: 'message', data: '' },
  { id: '3', event: 'message', data: 'ünïcødé ✓ 😀' },
];

describe('ServerSentEventParser', () => {
  it('dispatches on blank lines with LF, CRLF and CR line ends, ignoring comments and unknown fields', () => {
    expect(parseServerSentEvents(SAMPLE)).toEqual(SAMPLE_EVENTS);
  });

  it('joins multi-line data with newlines and strips one leading space only', () => {
    expect(parseServerSentEvents('data:  two spaces\ndata:\ndata: last\n\n')).toEqual([
      { id: '', event: 'message', data: ' two spaces\n\nlast' },
    ]);
  });

  it('does not dispatch a message without data, but keeps its id for later messages', () => {
    expect(parseServerSentEvents('id: 7\nevent: ping\n\ndata: x\n\n')).toEqual([
      { id: '7', event: 'message', data: 'x' },
    ]);
  });

  it('ignores an id that contains NUL', () => {
    expect(parseServerSentEvents('id: 1\n\nid: a\0b\ndata: x\n\n')[0]?.id).toBe('1');
  });

  it('drops a message the stream ends before its blank line', () => {
    expect(parseServerSentEvents('data: complete\n\ndata: cut')).toEqual([
      { id: '', event: 'message', data: 'complete' },
    ]);
  });

  it('treats a CRLF split across two chunks as one line break', () => {
    expect(parseInPieces('event: x\r\ndata: a\r\ndata: b\r\n\r\n', [9, 18])).toEqual([
      { id: '', event: 'x', data: 'a\nb' },
    ]);
  });

  it('gives the same messages wherever the text is cut into chunks', () => {
    const cuts = fc
      .uniqueArray(fc.integer({ min: 0, max: SAMPLE.length }), { maxLength: 25 })
      .map((positions) => positions.sort((a, b) => a - b));
    fc.assert(
      fc.property(cuts, (positions) => {
        expect(parseInPieces(SAMPLE, positions)).toEqual(SAMPLE_EVENTS);
      }),
    );
  });
});

describe('readServerSentEvents', () => {
  it('decodes UTF-8 split anywhere in the byte stream, including inside a character', async () => {
    const bytes = new TextEncoder().encode(SAMPLE);
    const cuts = fc
      .uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 })
      .map((positions) => positions.sort((a, b) => a - b));
    await fc.assert(
      fc.asyncProperty(cuts, async (positions) => {
        const chunks: Uint8Array[] = [];
        let start = 0;
        for (const cut of [...positions, bytes.length]) {
          chunks.push(bytes.slice(start, cut));
          start = cut;
        }
        expect(await collect(streamOf(chunks))).toEqual(SAMPLE_EVENTS);
      }),
      { numRuns: 50 },
    );
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: tick\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readServerSentEvents(body)) {
      expect(event.data).toBe('tick');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
