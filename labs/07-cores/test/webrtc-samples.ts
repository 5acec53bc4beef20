/** Signaling as Chromium sends it for a data channel on one machine (ICE password and fingerprint shortened). */
export const OFFER = [
  'v=0',
  'o=- 4215775240449105457 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

export const CANDIDATE = { candidate: 'candidate:842163049 1 udp 2122260223 127.0.0.1 46154 typ host generation 0 ufrag EsAw network-id 1', sdpMid: '0', sdpMLineIndex: 0 };

/** A candidate on a LAN, where Chromium hides the address behind an mDNS name. */
export const MDNS_CANDIDATE = {
  candidate: 'candidate:3077307349 1 udp 2113937151 2f8d7a2e-3f41-4d0b-9a6c-1c8a8d6f3b21.local 52004 typ host generation 0 ufrag EsAw network-cost 999',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
