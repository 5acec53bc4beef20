/**
 * Clock sync with Cristian's algorithm: ask the server for its time a few times, and trust the
 * answer that came back fastest. Plain logic, no socket: tested with node:test.
 */

/** One probe: when it left and came back (local clock), and what the server's clock said. */
export interface Probe {
  sent: number;
  server: number;
  received: number;
}

export interface ClockEstimate {
  /** Add this to the local clock to get the server's: `server ≈ Date.now() + offset`. */
  offset: number;
  /** The round trip of the probe it came from; the estimate is off by at most half of it. */
  roundTrip: number;
}

/**
 * The server read its clock somewhere during the round trip; assuming the middle, the server's
 * time at `received` was `server + roundTrip / 2`. The shortest round trip bounds the error best.
 */
export function estimateOffset(probes: Probe[]): ClockEstimate {
  if (probes.length === 0) throw new Error('at least one probe is needed');
  const best = probes.reduce((a, b) => (b.received - b.sent < a.received - a.sent ? b : a));
  const roundTrip = best.received - best.sent;
  return { offset: best.server + roundTrip / 2 - best.received, roundTrip };
}
