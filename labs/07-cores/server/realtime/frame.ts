import * as ws from 'ws';
import type { ServerFrame } from '../../shared/protocol.ts';

/**
 * ws's frame builder: exported by ws (`WebSocket.Sender`), left out of its type declarations. Typed
 * here by a cast rather than by adding to ws's declarations, which lab 05 does: the stress tests
 * and the benchmark type-check both labs together, and one name cannot be declared twice.
 */
const { Sender } = ws as unknown as {
  Sender: {
    /** Returns the frame's header and then its payload: two buffers, or one when the payload is empty. */
    frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
  };
};

/** A whole message (FIN), as text (opcode 1), not masked (only clients mask), not compressed (no RSV1). */
const TEXT = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

const encoded = new WeakMap<ServerFrame, Buffer>();

/**
 * A server frame as it goes on the wire: its JSON in one WebSocket text frame, in one buffer.
 * ws's `Sender.frame` writes the header (RFC 6455 §5.2: FIN and the opcode, the payload's length
 * in 1, 3 or 9 bytes, no mask) and hands it back beside the payload; both are joined once here.
 *
 * A broadcast is encoded once and the same bytes go to every recipient. `socket.send(text)`
 * would instead turn the text into bytes and build a header again for each of them. A frame
 * object sent again later (a room's `joined` frame, shared by everyone who arrives until the room
 * gets a new entry) is not encoded again either: its bytes are kept as long as the object lives.
 */
export function encodeFrame(frame: ServerFrame): Buffer {
  let bytes = encoded.get(frame);
  if (!bytes) {
    bytes = Buffer.concat(Sender.frame(Buffer.from(JSON.stringify(frame)), TEXT));
    encoded.set(frame, bytes);
  }
  return bytes;
}
