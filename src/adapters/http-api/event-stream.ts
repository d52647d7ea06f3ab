/**
 * Writes Server-Sent Events to a raw response: one message per run event, heartbeat comments
 * between them, and cleanup when either side ends the stream.
 */
import type { ServerResponse } from 'node:http';
import type { WorkflowEvent } from '../../core/run/index.js';

/** An open `text/event-stream` response. */
export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly onCloseCallbacks: (() => void)[] = [];

  /** Sends the headers at once, so that the client knows the stream is open. */
  constructor(
    private readonly response: ServerResponse,
    heartbeatMs: number,
    headers: Record<string, string>,
  ) {
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    response.on('close', () => this.cleanUp());
  }

  /** True once the stream ended or the client went away. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs `callback` once when the stream closes, whoever closed it. */
  onClose(callback: () => void): void {
    if (this.closed) callback();
    else this.onCloseCallbacks.push(callback);
  }

  /** `id: <sequence>`, `event: <name>`, `data: <event JSON>` (JSON text has no raw newlines). */
  send(event: WorkflowEvent): void {
    this.write(`id: ${event.sequence}\nevent: ${event.event}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Ends the response. */
  end(): void {
    if (this.closed) return;
    this.cleanUp();
    this.response.end();
  }

  private write(text: string): void {
    if (!this.closed) this.response.write(text);
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const callback of this.onCloseCallbacks.splice(0)) callback();
  }
}
