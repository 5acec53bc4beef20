/**
 * The baseline: a WebSocket server that does nothing but relay. Every text frame a client sends
 * goes, as is, to every open client (the sender included, as in a lab 04 room). No accounts, no
 * JSON, no log, no rate limit: what is left is the cost of `ws` and the kernel.
 */
import { WebSocket, WebSocketServer } from 'ws';
import { announce, collectGarbageOnSignal, exitOnSigterm } from './lib/server-side.ts';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });

wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data as Buffer, { binary: isBinary });
    }
  });
});

wss.on('listening', () => announce((wss.address() as { port: number }).port));
collectGarbageOnSignal();
exitOnSigterm();
