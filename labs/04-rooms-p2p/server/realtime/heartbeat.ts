import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every client every `intervalMs`; one that has not answered the previous ping by then has
 * vanished (a laptop lid closed, a cable pulled) and is terminated, so it stops counting as online.
 * Returns a function that stops the pings.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const alive = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => alive.delete(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.delete(socket)) socket.terminate();
      else socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
