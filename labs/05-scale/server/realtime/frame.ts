import type { ServerFrame } from '../../shared/protocol.ts';

const encoded = new WeakMap<ServerFrame, Buffer>();

/**
 * A server frame as it goes on the wire: its JSON in one WebSocket text frame, built once in one
 * buffer (RFC 6455 §5.2): a byte for FIN and the opcode, the payload's length in 1, 3 or 9 bytes,
 * no mask (only clients mask), then the payload.
 *
 * A broadcast is encoded once and the same bytes go to every recipient. `socket.send(text)`
 * would instead turn the text into bytes and build a header again for each of them. A frame
 * object sent again later (a room's `joined` frame, shared by everyone who arrives until the room
 * gets a new entry) is not encoded again either: its bytes are kept as long as the object lives.
 */
export function encodeFrame(frame: ServerFrame): Buffer {
  let bytes = encoded.get(frame);
  if (!bytes) {
    bytes = build(frame);
    encoded.set(frame, bytes);
  }
  return bytes;
}

function build(frame: ServerFrame): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(header + length);
  bytes[0] = 0x81; // FIN (the whole message is in this frame), opcode 1 (text)
  if (header === 2) {
    bytes[1] = length;
  } else if (header === 4) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  bytes.write(json, header, 'utf8');
  return bytes;
}
