const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * How long to wait before reconnect attempt `attempt` (0, 1, 2…): doubling from 0.5 s up to
 * 10 s, half of it fixed and half random ("equal jitter"), so a restarted server is not hit by
 * every tab at the same instant.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
