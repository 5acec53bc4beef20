/**
 * The load generator's WebSocket client: the handshake and RFC 6455 framing written out for one
 * job only, receiving hundreds of thousands of small frames a second on one core. A full client
 * (ws) makes an object or two and an event for every frame it receives, and at about 2 µs a frame
 * the generator, not the server, was the limit of the saturation scenario. This one reads each
 * frame in place, in the chunk the socket delivered, and hands the caller the frame's bounds.
 *
 * What it leaves out, because no server here does it: fragmented messages, extensions,
 * subprotocols, binary frames (counted as other frames). What it keeps: answering pings (the
 * labs cut off a client that does not), the close code, masked frames out (a server must
 * refuse unmasked ones). The mask key is zero, which leaves the payload as it is: RFC 6455 asks
 * for a random key against proxies that cache, and there is none on 127.0.0.1.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');

/** Called for each text frame: its payload is `data[start, end)`. Valid only during the call. */
export type OnText = (data: Buffer, start: number, end: number) => void;

export class RawClient {
  /** Set once the server sent a close frame (its code, 1005 without one) or the connection dropped (1006). */
  closeCode: number | undefined;
  #pending: Buffer | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly onText: OnText,
    private readonly onClose: (code: number) => void,
  ) {}

  /** Opens `ws://127.0.0.1:port/path` with the handshake of RFC 6455 §4.1; rejects if it is refused. */
  static connect(port: number, path: string, headers: Record<string, string>, onText: OnText, onClose: (code: number) => void): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      const onHandshake = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end < 0) return;
        socket.off('data', onHandshake);
        socket.off('error', fail);
        const response = head.subarray(0, end).toString('latin1');
        if (!response.startsWith('HTTP/1.1 101') || !response.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          return fail(new Error(`handshake refused: ${response.split('\r\n')[0]}`));
        }
        const client = new RawClient(socket, onText, onClose);
        socket.on('data', (data: Buffer) => client.#receive(data));
        socket.on('error', () => undefined); // 'close' follows
        socket.on('close', () => client.#closed(1006));
        const rest = head.subarray(end + HEADER_END.length);
        if (rest.length) client.#receive(rest);
        resolve(client);
      };
      socket.on('data', onHandshake);
      socket.once('error', fail);
      socket.once('connect', () => {
        const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
        for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      });
    });
  }

  /** Sends `text` as one masked text frame. */
  send(text: string): void {
    this.#write(0x1, Buffer.from(text));
  }

  /** Cuts the connection, with no closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  #write(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = Buffer.alloc(length < 126 ? 6 : length < 65536 ? 8 : 14); // zero-filled: the mask key is 0
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(length ? Buffer.concat([header, payload]) : header);
  }

  #receive(chunk: Buffer): void {
    let data = chunk;
    if (this.#pending) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    const at = readFrames(data, (opcode, start, end) => this.#frame(opcode, data, start, end));
    if (at < data.length) this.#pending = Buffer.from(data.subarray(at)); // a copy: `chunk` may be reused
  }

  #frame(opcode: number, data: Buffer, start: number, end: number): void {
    if (opcode === 0x1) return this.onText(data, start, end);
    if (opcode === 0x9) return this.#write(0xa, Buffer.from(data.subarray(start, end))); // ping: pong with its payload
    if (opcode === 0x8) {
      this.#closed(end - start >= 2 ? data.readUInt16BE(start) : 1005);
      this.socket.destroy();
    }
  }

  #closed(code: number): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    this.onClose(code);
  }
}

/**
 * Reads the unmasked frames in `data` (a server's, RFC 6455 §5.2) and calls `onFrame` with each
 * one's opcode and payload bounds. Returns where the first incomplete frame starts (`data.length`
 * when every frame was whole). Throws on a masked or fragmented frame: no server here sends one.
 */
export function readFrames(data: Buffer, onFrame: (opcode: number, start: number, end: number) => void): number {
  let at = 0;
  while (data.length - at >= 2) {
    const first = data[at]!;
    const second = data[at + 1]!;
    if ((first & 0x80) === 0 || (second & 0x80) !== 0) throw new Error('a fragmented or masked frame from the server');
    let length = second;
    let header = 2;
    if (length === 126) {
      if (data.length - at < 4) break;
      length = data.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (data.length - at < 10) break;
      length = Number(data.readBigUInt64BE(at + 2));
      header = 10;
    }
    const end = at + header + length;
    if (end > data.length) break;
    onFrame(first & 0x0f, at + header, end);
    at = end;
  }
  return at;
}
