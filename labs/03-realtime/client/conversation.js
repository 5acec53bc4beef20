/**
 * What this window has shown of the chat, and whether a new entry comes next in order.
 * Plain logic, no DOM and no socket: tested with node:test.
 *
 * @typedef {'user' | 'agent'} Role
 * @typedef {{ session: string, seq: number, time: number, kind: 'start' | 'message' | 'end', from: Role | null, text: string }} Entry
 * @typedef {'show' | 'duplicate' | 'gap'} Verdict
 */

export class Conversation {
  /** The session of the last entry shown, or null before the first one. @type {string | null} */
  session = null;
  /** The `seq` of the last entry shown. */
  seq = 0;

  /**
   * Takes a live entry. `show` when it is the next one; `duplicate` when it was already shown;
   * `gap` when one is missing in between (reconnect, and the server replays what is missing).
   * A new session must begin with entry 1.
   * @param {Entry} entry
   * @returns {Verdict}
   */
  accept(entry) {
    if (entry.session !== this.session) {
      if (entry.seq !== 1) return 'gap';
      this.session = entry.session;
      this.seq = 0;
    }
    if (entry.seq <= this.seq) return 'duplicate';
    if (entry.seq > this.seq + 1) return 'gap';
    this.seq = entry.seq;
    return 'show';
  }

  /**
   * Takes the entries of a welcome frame, which replay what this window missed. The replay may
   * start past the next entry when the oldest ones were not kept (the welcome's `missed` counts
   * them): it then goes on from there.
   * @param {Entry[]} entries
   * @returns {Entry[]} the ones to show, in order
   */
  replay(entries) {
    return entries.filter((entry) => {
      if (entry.session !== this.session || entry.seq > this.seq + 1) {
        this.session = entry.session;
        this.seq = entry.seq - 1;
      }
      return this.accept(entry) === 'show';
    });
  }

  /** The query that tells the server where this window left off, for the WebSocket URL. */
  resumeQuery() {
    return this.session === null ? '' : `&session=${encodeURIComponent(this.session)}&after=${this.seq}`;
  }
}
