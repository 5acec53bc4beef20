import { createSocket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

/** RFC 5389 §6: the second word of every STUN message, which tells it from other UDP traffic. */
const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

/**
 * The transaction id (12 bytes) of a STUN Binding Request, or undefined for anything else:
 * another method, a response, a message without the magic cookie or with a wrong length.
 */
export function bindingRequestId(message: Buffer): Buffer | undefined {
  if (message.length < HEADER_BYTES || message.readUInt16BE(0) !== BINDING_REQUEST) return undefined;
  if (message.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const length = message.readUInt16BE(2);
  if (length % 4 !== 0 || length !== message.length - HEADER_BYTES) return undefined;
  return message.subarray(8, HEADER_BYTES);
}

/**
 * A Binding Success Response that tells the asker the address and port its request came from,
 * in one XOR-MAPPED-ADDRESS attribute (RFC 5389 §15.2): port and address are XORed with the
 * magic cookie (and, for IPv6, the transaction id), so that no router rewrites them on the way.
 */
export function bindingSuccess(transactionId: Buffer, address: string, port: number): Buffer {
  const ip = isIPv4(address) ? ipv4Bytes(address) : ipv6Bytes(address);
  const message = Buffer.alloc(HEADER_BYTES + 8 + ip.length);
  message.writeUInt16BE(BINDING_SUCCESS, 0);
  message.writeUInt16BE(message.length - HEADER_BYTES, 2);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(message, 8);
  message.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  message.writeUInt16BE(4 + ip.length, 22);
  message.writeUInt16BE(ip.length === 4 ? 0x01 : 0x02, 24); // a zero byte, then the family
  message.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  for (const [i, byte] of ip.entries()) message[28 + i] = byte ^ message[4 + i]!; // cookie, then transaction id
  return message;
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** `2001:db8::1`, `::ffff:10.0.0.7` or `fe80::1%eth0` as 16 bytes. */
function ipv6Bytes(address: string): Buffer {
  const hex = address
    .replace(/%.*$/, '')
    .replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const groups = (part: string) => (part ? part.split(':') : []);
  const zeros = tail === undefined ? [] : Array<string>(8 - groups(head).length - groups(tail).length).fill('0');
  const bytes = Buffer.alloc(16);
  [...groups(head), ...zeros, ...groups(tail ?? '')].forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** A STUN server that is listening. */
export interface StunServer {
  /** The UDP port it got. */
  port: number;
  close(): Promise<void>;
}

/**
 * Answers STUN Binding Requests on UDP `port` at `host`, and nothing else: each browser learns the
 * address this computer sees it at, and offers it as a candidate of its own. That candidate
 * carries a real LAN address where the `.local` names Chromium offers cannot be resolved (a network
 * that filters multicast). The server never learns more than the asker's address: the private
 * messages still go browser to browser.
 */
export function startStun(host: string, port: number): Promise<StunServer> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('message', (message, from) => {
    const id = bindingRequestId(message);
    if (id) socket.send(bindingSuccess(id, from.address, from.port), from.port, from.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // a reply to an address that went away: nothing to do
      let closed: Promise<void> | undefined;
      resolve({ port: socket.address().port, close: () => (closed ??= new Promise((done) => socket.close(() => done()))) });
    });
  });
}
