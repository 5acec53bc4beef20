import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ServerFrame } from '../../../shared/protocol.ts';
import { estimateOffset, type ClockEstimate, type Probe } from '../lib/clock.ts';
import type { ConnectionController, ConnectionListener } from './connection-controller.ts';

/** Probes per sync: the fastest round trip of these wins. */
const CLOCK_PROBES = 5;

/**
 * The server's clock, as seen from this tab: every time the socket opens it sends a few `time`
 * probes, one after another, and keeps the estimate of the fastest (Cristian's algorithm, in
 * `lib/clock.ts`). Until then, {@link now} is the local clock.
 */
export class ClockController implements ReactiveController, ConnectionListener {
  estimate: ClockEstimate | null = null;
  #probe: { id: number; sent: number; done: (probe: Probe) => void } | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly connection: ConnectionController,
  ) {
    host.addController(this);
    connection.listen(this);
  }

  hostDisconnected(): void {
    this.#probe = undefined;
  }

  /** Server time now, as well as the clock sync knows it. */
  now(): number {
    return Date.now() + (this.estimate?.offset ?? 0);
  }

  opened(): void {
    void this.#sync();
  }

  received(frame: ServerFrame): void {
    if (frame.type === 'time' && this.#probe?.id === frame.id) this.#probe.done({ sent: this.#probe.sent, server: frame.server, received: Date.now() });
  }

  async #sync(): Promise<void> {
    const probes: Probe[] = [];
    for (let id = 1; id <= CLOCK_PROBES; id++) {
      const answered = new Promise<Probe>((done) => (this.#probe = { id, sent: Date.now(), done }));
      if (!this.connection.send({ type: 'time', id })) return;
      probes.push(await answered);
    }
    this.#probe = undefined;
    this.estimate = estimateOffset(probes);
    this.host.requestUpdate();
  }
}
