import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The notice line under the messages: the last reply or refusal of the server, or what went wrong
 * on this side (not connected, a private message that could not go). It stays until the next one,
 * or until the person types another line.
 */
export class NoticeController implements ReactiveController {
  current: { text: string; error: boolean } | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.current = null;
  }

  show(text: string, error: boolean): void {
    this.current = { text, error };
    this.host.requestUpdate();
  }

  clear(): void {
    this.current = null;
    this.host.requestUpdate();
  }
}
