/**
 * The strongest baseline: the bare relay, but each message is framed once, with ws's own frame
 * builder (`WebSocket.Sender.frame`, made public for exactly this: a broadcast), and the same
 * bytes are written to every client's TCP socket, which the upgrade hands over. Still no
 * accounts, no JSON, no log, no rate limit, and one write per message per client.
 */
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import * as ws from 'ws';
import { announce, collectGarbageOnSignal, exitOnSigterm } from './lib/server-side.ts';

const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
const TEXT = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };
const wss = new ws.WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 64 * 1024, perMessageDeflate: false });
const wires = new Map<ws.WebSocket, Duplex>();

const server = createServer();
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (client) => {
    wires.set(client, socket);
    client.on('close', () => wires.delete(client));
    client.on('message', (data: Buffer) => {
      const frame = Buffer.concat(Sender.frame(data, TEXT)); // header and payload, once
      for (const [other, wire] of wires) if (other.readyState === ws.WebSocket.OPEN) wire.write(frame);
    });
  });
});

server.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port));
collectGarbageOnSignal();
exitOnSigterm();
