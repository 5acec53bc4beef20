import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { bindingRequestId, bindingSuccess, startStun } from '../server/stun.ts';

/** Hex, with spaces and line breaks for reading, as bytes. */
const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

// The test vectors of RFC 5769: a request from an ICE agent, and a server's answers.
const TRANSACTION_ID = bytes('b7e7a701 bc34d686 fa87dfae');
const SAMPLE_REQUEST = bytes(`
  00010058 2112a442 b7e7a701 bc34d686 fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);
/** The XOR-MAPPED-ADDRESS attribute of the sample IPv4 response: 192.0.2.1 port 32853. */
const IPV4_ATTRIBUTE = bytes('00200008 0001a147 e112a643');
/** The XOR-MAPPED-ADDRESS attribute of the sample IPv6 response: 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
const IPV6_ATTRIBUTE = bytes('00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9');

describe('07 cores: STUN', () => {
  it("reads RFC 5769's sample request as a Binding Request and finds its transaction id", () => {
    assert.deepEqual(bindingRequestId(SAMPLE_REQUEST), TRANSACTION_ID);
  });

  it('answers with the XOR-MAPPED-ADDRESS of RFC 5769, for IPv4 and for IPv6', () => {
    const v4 = bindingSuccess(TRANSACTION_ID, '192.0.2.1', 32853);
    assert.deepEqual(v4.subarray(0, 20), bytes('0101000c 2112a442 b7e7a701 bc34d686 fa87dfae'), 'a Binding Success Response, 12 bytes of attributes');
    assert.deepEqual(v4.subarray(20), IPV4_ATTRIBUTE);
    assert.deepEqual(bindingSuccess(TRANSACTION_ID, '2001:db8:1234:5678:11:2233:4455:6677', 32853).subarray(20), IPV6_ATTRIBUTE);
    assert.deepEqual(bindingSuccess(TRANSACTION_ID, '2001:db8:1234:5678:11:2233:68.85.102.119', 32853).subarray(20), IPV6_ATTRIBUTE, 'an IPv4 tail');
    assert.deepEqual(bindingSuccess(TRANSACTION_ID, '2001:db8:1234:5678:11:2233:4455:6677%eth0', 32853).subarray(20), IPV6_ATTRIBUTE, 'a zone');
  });

  it('ignores responses, other methods, a missing magic cookie and a wrong length', () => {
    const variants = {
      response: Buffer.concat([bytes('0101'), SAMPLE_REQUEST.subarray(2)]),
      allocate: Buffer.concat([bytes('0003'), SAMPLE_REQUEST.subarray(2)]),
      'RFC 3489, no cookie': Buffer.concat([SAMPLE_REQUEST.subarray(0, 4), bytes('00000000'), SAMPLE_REQUEST.subarray(8)]),
      truncated: SAMPLE_REQUEST.subarray(0, 60),
      'too short for a header': SAMPLE_REQUEST.subarray(0, 19),
      'a line of text': Buffer.from('hello, is this the chat?\n'),
    };
    for (const [name, message] of Object.entries(variants)) assert.equal(bindingRequestId(message), undefined, name);
  });

  it('tells a real UDP client its own address and port, and stays quiet to anything else', async (t) => {
    const stun = await startStun('127.0.0.1', 0);
    t.after(() => stun.close());
    t.after(() => stun.close()); // a server may be closed twice (a test's end, and its own)
    const client = createSocket('udp4');
    t.after(() => client.close());
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    client.send('not stun', stun.port, '127.0.0.1');
    client.send(SAMPLE_REQUEST, stun.port, '127.0.0.1');
    const [answer] = (await once(client, 'message')) as [Buffer];
    const expected = bindingSuccess(TRANSACTION_ID, '127.0.0.1', client.address().port);
    assert.deepEqual(answer, expected, 'the first and only answer is to the Binding Request');
    const xorPort = answer.readUInt16BE(26) ^ 0x2112;
    assert.equal(xorPort, client.address().port);
  });
});
