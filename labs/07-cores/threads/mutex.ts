/**
 * A lock for threads that share memory, built on two atomic operations: `compareExchange` to
 * take it, and `wait`/`notify` to sleep while someone else holds it (the "futex" mutex of
 * Ulrich Drepper's "Futexes are tricky", its third version).
 *
 * The lock is one Int32 cell of a SharedArrayBuffer, in one of three states:
 *   0  free
 *   1  taken, nobody waiting
 *   2  taken, and someone may be waiting: the holder must wake one on unlock
 *
 * Taking a free lock is one `compareExchange` (0 → 1), releasing it one `sub`: no system call
 * when threads do not meet. A thread that finds it taken marks it 2 and sleeps in `Atomics.wait`
 * until an unlock wakes it, then tries again.
 */
export class Mutex {
  /** `cells[index]` is the lock; every thread that shares it must pass the same cell. */
  constructor(
    private readonly cells: Int32Array,
    private readonly index: number,
  ) {}

  /** Blocks until this thread holds the lock. Never call it on a thread that already holds it. */
  lock(): void {
    let state = Atomics.compareExchange(this.cells, this.index, 0, 1);
    if (state === 0) return; // it was free: ours now
    if (state !== 2) state = Atomics.exchange(this.cells, this.index, 2);
    while (state !== 0) {
      Atomics.wait(this.cells, this.index, 2); // sleeps only while the cell still holds 2
      state = Atomics.exchange(this.cells, this.index, 2);
    }
  }

  /** Releases the lock, and wakes one waiting thread if there may be one. */
  unlock(): void {
    if (Atomics.sub(this.cells, this.index, 1) !== 1) {
      Atomics.store(this.cells, this.index, 0);
      Atomics.notify(this.cells, this.index, 1);
    }
  }
}
