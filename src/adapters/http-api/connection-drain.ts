/**
 * Connection bookkeeping for graceful shutdown. `server.close()` only ends connections that are
 * idle at that instant; a keep-alive connection that goes idle later, or one a client opened and
 * never used, would hold the close until the client drops it.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Ends connections once they have nothing left to answer. */
export interface ConnectionDrain {
  /**
   * Closes every connection with no request in flight now, and every other one as soon as its
   * last response has been sent. Call it once the work those requests wait for is over.
   */
  drain(): void;
}

/** Starts counting the requests in flight on each connection of `server`. */
export function trackConnections(server: Server): ConnectionDrain {
  const inFlight = new Map<Socket, number>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (draining && left === 0) socket.destroy();
    });
  });
  return {
    drain: () => {
      draining = true;
      for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
    },
  };
}
