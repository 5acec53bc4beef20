import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every client every `intervalMs`; one that has not answered the previous ping by then has
 * vanished (a laptop lid closed, a cable pulled) and is terminated, so it stops counting as online.
 * `clients` lists them at each ping (the hub's list: `wss` keeps none here). Returns a function
 * that stops the pings.
 */
export function startHeartbeat(wss: WebSocketServer, clients: () => Iterable<WebSocket>, intervalMs: number): () => void {
  const waiting = new WeakSet<WebSocket>();
  function answered(this: WebSocket): void {
    waiting.delete(this);
  }
  wss.on('connection', (socket) => socket.on('pong', answered));
  const timer = setInterval(() => {
    for (const socket of clients()) {
      if (waiting.has(socket)) socket.terminate();
      else {
        waiting.add(socket);
        socket.ping();
      }
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
