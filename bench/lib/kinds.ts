/** The servers the benchmark compares, and what sets them apart for the load generator. */

export type Kind = 'bare' | 'frameOnce' | 'lab04' | 'lab05';

/** In the order they run and are printed: the two baselines, then lab 04 (before) and lab 05 (after). */
export const KINDS: Kind[] = ['bare', 'frameOnce', 'lab04', 'lab05'];

export const KIND_NAMES: Record<Kind, string> = { bare: 'bare relay', frameOnce: 'frame-once relay', lab04: 'lab 04', lab05: 'lab 05' };

/** Labs need accounts, a log folder and the `/ws` path; the relays need nothing. */
export const isLab = (kind: Kind): boolean => kind === 'lab04' || kind === 'lab05';
