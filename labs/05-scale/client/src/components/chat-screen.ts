import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Command } from '../../../shared/protocol.ts';
import { ChatController } from '../controllers/chat-controller.ts';
import { clockTime, signedDuration } from '../lib/format.ts';
import type { Account } from '../lib/api.ts';
import './chat-composer.ts';
import './message-list.ts';
import './private-panel.ts';
import './room-list.ts';
import './user-list.ts';
import { controls } from './styles.ts';

/**
 * The chat: the room and its messages, the rooms and people (a drawer on a phone), the private
 * conversations beside the room, and a status line with the connection and the clock sync.
 */
@customElement('chat-screen')
export class ChatScreen extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: grid; grid-template-rows: auto 1fr; height: 100dvh; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.5rem 1rem; background: white; border-bottom: 1px solid var(--line); }
      h1 { font-size: 1.1rem; margin: 0; flex: 1; min-width: 0; overflow-wrap: anywhere; }
      .status { flex-basis: 100%; margin: 0; color: var(--muted); font-size: 0.85rem; }
      .body { display: grid; grid-template-columns: 16rem 1fr 20rem; min-height: 0; }
      aside { border-right: 1px solid var(--line); padding: 0.75rem; overflow-y: auto; background: #f3f4f6; display: grid; align-content: start; gap: 1rem; }
      main { display: grid; grid-template-rows: auto 1fr auto auto; min-height: 0; }
      message-list { min-height: 0; }
      .privates { border-left: 1px solid var(--line); padding: 0.75rem; overflow-y: auto; display: grid; grid-template-columns: minmax(0, 1fr); align-content: start; gap: 0.75rem; }
      .privates p { color: var(--muted); margin: 0; }
      .gate { margin: 0.75rem; padding: 0.5rem 0.75rem; border-radius: 0.5rem; background: #e0e7ff; color: #3730a3; }
      .notice { margin: 0 0.75rem; padding: 0.4rem 0.75rem; border-radius: 0.5rem; background: #ecfdf5; color: #065f46; }
      .notice.error { background: #fef2f2; color: var(--danger); }
      chat-composer { padding: 0.75rem; border-top: 1px solid var(--line); background: white; }
      .menu { display: none; }
      @media (max-width: 50rem) {
        .body { grid-template-columns: 1fr; grid-template-rows: 1fr auto; }
        .menu { display: inline-block; }
        .brand { display: none; }
        aside { display: none; position: fixed; inset: 0 0 0 auto; width: min(20rem, 88vw); z-index: 2; box-shadow: -4px 0 16px rgb(0 0 0 / 0.2); }
        aside.open { display: grid; }
        .privates { border-left: 0; border-top: 1px solid var(--line); max-height: 40dvh; }
      }
    `,
  ];

  @property({ attribute: false }) account!: Account;
  @state() private drawer = false;
  #chat?: ChatController;

  protected override willUpdate(): void {
    this.#chat ??= new ChatController(this, this.account.login);
  }

  override render() {
    const chat = this.#chat!;
    return html`
      <header>
        <h1><span class="brand">Chat Lab 05 · </span>${chat.room.room || '…'}</h1>
        <button class="menu quiet" aria-expanded=${this.drawer ? 'true' : 'false'} aria-controls="drawer" @click=${() => (this.drawer = !this.drawer)}>Rooms &amp; people</button>
        <button class="quiet" @click=${this.#logout}>Log out</button>
        <p class="status" role="status">${this.#status()}</p>
      </header>
      <div class="body">
        <aside id="drawer" class=${this.drawer ? 'open' : ''} aria-label="Rooms and people" @room-command=${this.#roomCommand} @private-open=${this.#privateOpen}>
          ${this.drawer ? html`<button class="quiet" @click=${() => (this.drawer = false)}>Close</button>` : nothing}
          <room-list .rooms=${chat.rooms} current=${chat.room.room} me=${chat.me}></room-list>
          <user-list .users=${chat.users} me=${chat.me}></user-list>
        </aside>
        <main>
          ${chat.gate && !chat.gate.open
            ? html`<p class="gate" role="status">Waiting for ${chat.gate.connected} of ${chat.gate.needed} people: nobody sees a message until everyone is here.</p>`
            : html`<span></span>`}
          <message-list .entries=${chat.room.entries} .missed=${chat.room.missed} me=${chat.me}></message-list>
          ${chat.notice ? html`<p class="notice ${chat.notice.error ? 'error' : ''}" role=${chat.notice.error ? 'alert' : 'status'}>${chat.notice.text}</p>` : html`<span></span>`}
          <chat-composer label="Message" @send=${(event: CustomEvent<{ text: string }>) => chat.say(event.detail.text)}></chat-composer>
        </main>
        <section class="privates" aria-label="Private conversations" @private-send=${this.#privateSend}>
          ${chat.privates.size === 0
            ? html`<p>Private messages go straight to the other browser, never through the server. Pick someone under People, or type <code>#\\private &lt;user&gt; &lt;text&gt;</code>.</p>`
            : [...chat.privates].map(
                ([peer, lines]) => html`<private-panel peer=${peer} me=${chat.me} .lines=${lines} link=${chat.links.get(peer.toLowerCase()) ?? ''}></private-panel>`,
              )}
        </section>
      </div>
    `;
  }

  #status() {
    const chat = this.#chat!;
    const clock = chat.clock ? ` · server clock ${signedDuration(chat.clock.offset)} from yours (round trip ${Math.round(chat.clock.roundTrip)} ms) · server time ${clockTime(chat.now())}` : '';
    switch (chat.status) {
      case 'connecting':
        return 'Connecting…';
      case 'online':
        return html`Online as <b>${chat.me}</b>${clock}`;
      case 'offline':
        return `Connection lost: trying again in ${Math.ceil(chat.retryInMs / 1000)} s… Direct private links keep working.`;
      case 'elsewhere':
        return html`The chat is open in another tab. <button class="quiet" @click=${() => chat.rejoin()}>Use it here</button>`;
      case 'left':
        return html`You left the chat. <button class="quiet" @click=${() => chat.rejoin()}>Rejoin</button>`;
    }
  }

  #roomCommand(event: CustomEvent<Command>): void {
    this.#chat!.command(event.detail);
    this.drawer = false;
  }

  #privateOpen(event: CustomEvent<{ login: string }>): void {
    this.#chat!.openPrivate(event.detail.login);
    this.drawer = false;
  }

  #privateSend(event: CustomEvent<{ to: string; text: string }>): void {
    void this.#chat!.sendPrivate(event.detail.to, event.detail.text);
  }

  async #logout(): Promise<void> {
    await fetch('/api/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    this.dispatchEvent(new CustomEvent('logged-out', { detail: { reason: 'You logged out.' }, bubbles: true, composed: true }));
  }
}
