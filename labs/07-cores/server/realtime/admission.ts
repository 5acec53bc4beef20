/** How long one turn of the event loop may spend letting new connections in. */
const BUDGET_MS = 2;

/**
 * New connections waiting to be let in, a few per turn of the event loop. Each arrival costs
 * some work (the handshake, a welcome, a room's history, a notice to everyone in the lobby); a
 * burst of hundreds arriving at once would otherwise be handled back to back in one turn, and
 * nobody already chatting would hear anything until the last one was in. Here, each turn lets
 * arrivals in for at most `BUDGET_MS`, then goes back to reading and writing for everyone else.
 */
export class Admission {
  #waiting: (() => void)[] = [];
  #next = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** How many arrivals wait. */
  get size(): number {
    return this.#waiting.length - this.#next;
  }

  /** Runs `letIn` once the arrivals before it are in, this turn if there is time left. */
  add(letIn: () => void): void {
    if (this.#waiting.push(letIn) === 1) setImmediate(() => this.#run());
  }

  #run(): void {
    const end = this.now() + BUDGET_MS;
    do this.#waiting[this.#next++]!();
    while (this.#next < this.#waiting.length && this.now() < end);
    if (this.#next < this.#waiting.length) return void setImmediate(() => this.#run());
    this.#waiting = [];
    this.#next = 0;
  }
}
