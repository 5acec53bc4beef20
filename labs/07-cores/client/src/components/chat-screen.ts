import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { PublicAccount } from '../../../shared/accounts.ts';
import { parseLine } from '../../../shared/commands.ts';
import type { Command, GateState } from '../../../shared/protocol.ts';
import { ClockController } from '../controllers/clock-controller.ts';
import { ConnectionController } from '../controllers/connection-controller.ts';
import { NoticeController } from '../controllers/notice-controller.ts';
import { PeersController } from '../controllers/peers-controller.ts';
import { RoomController } from '../controllers/room-controller.ts';
import { plural } from '../i18n/texts.ts';
import { api } from '../lib/api.ts';
import { clockTime, signedDuration } from '../lib/format.ts';
import './chat-composer.ts';
import './invite-qr.ts';
import './language-picker.ts';
import './message-list.ts';
import './private-panel.ts';
import './room-list.ts';
import './user-list.ts';
import { controls } from './styles.ts';

/**
 * The chat: the room and its messages, the rooms and people (a drawer on a phone), the private
 * conversations beside the room, and a status line with the connection and the clock sync.
 * Each concern is a controller (`../controllers/`) that re-renders this element when it changes.
 *
 * @fires logged-out - `{ reason }`: the person logged out, or their session ended.
 */
@customElement('chat-screen')
@localized()
export class ChatScreen extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: grid; grid-template-rows: auto 1fr; height: 100dvh; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.5rem 1rem; background: white; border-bottom: 1px solid var(--line); }
      h1 { font-size: 1.1rem; margin: 0; flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
      .status { flex-basis: 100%; margin: 0; color: var(--muted); font-size: 0.85rem; }
      .body { display: grid; grid-template-columns: 16rem 1fr 20rem; min-height: 0; }
      aside { border-right: 1px solid var(--line); padding: 0.75rem; overflow-y: auto; background: #f3f4f6; display: grid; grid-template-columns: minmax(0, 1fr); align-content: start; gap: 1rem; }
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

  @property({ attribute: false }) account!: PublicAccount;
  @state() private drawer = false;

  readonly #notice = new NoticeController(this);
  readonly #connection = new ConnectionController(this, this.#notice, () => this.#room.view.resumeQuery());
  readonly #clock = new ClockController(this, this.#connection);
  readonly #room = new RoomController(this, this.#connection, this.#notice);
  readonly #peers = new PeersController(this, () => this.account.login, this.#connection, this.#clock, this.#notice);

  override render() {
    const me = this.account.login;
    const room = this.#room;
    const notice = this.#notice.current;
    const privates = this.#peers.privates;
    return html`
      <header>
        <h1><span class="brand">Chat Lab 07 · </span>${room.view.room || '…'}</h1>
        <button class="menu quiet" aria-expanded=${this.drawer ? 'true' : 'false'} aria-controls="drawer" @click=${() => (this.drawer = !this.drawer)}>${msg('Rooms & people', { id: 'chat.drawer' })}</button>
        <language-picker></language-picker>
        <button class="quiet" @click=${this.#logout}>${msg('Log out', { id: 'chat.log-out' })}</button>
        <p class="status" role="status">${this.#status()}</p>
      </header>
      <div class="body">
        <aside id="drawer" class=${this.drawer ? 'open' : ''} aria-label=${msg('Rooms and people', { id: 'chat.drawer-label' })} @room-command=${this.#roomCommand} @private-open=${this.#privateOpen} @people-page=${this.#peoplePage}>
          ${this.drawer ? html`<button class="quiet" @click=${() => (this.drawer = false)}>${msg('Close', { id: 'chat.close' })}</button>` : nothing}
          <room-list .rooms=${room.rooms} current=${room.view.room} me=${me}></room-list>
          <user-list .users=${room.users} me=${me} page=${room.people.page} pages=${room.people.pages} online=${room.people.online} total=${room.people.total}></user-list>
          <invite-qr></invite-qr>
        </aside>
        <main>
          ${room.gate && !room.gate.open
            ? html`<p class="gate" role="status">${this.#gate(room.gate)}</p>`
            : html`<span></span>`}
          <message-list .entries=${room.view.entries} .held=${room.view.held} .missed=${room.view.missed} me=${me}></message-list>
          ${notice ? html`<p class="notice ${notice.error ? 'error' : ''}" role=${notice.error ? 'alert' : 'status'}>${notice.text}</p>` : html`<span></span>`}
          <chat-composer @send=${this.#say}></chat-composer>
        </main>
        <section class="privates" aria-label=${msg('Private conversations', { id: 'chat.privates-label' })} @private-send=${this.#privateSend}>
          ${privates.size === 0
            ? html`<p>${msg(html`Private messages go straight to the other browser, never through the server. Pick someone under People, or type <code>#\\private &lt;user&gt; &lt;text&gt;</code>.`, { id: 'chat.privates-empty' })}</p>`
            : [...privates].map(
                ([peer, lines]) => html`<private-panel peer=${peer} me=${me} .lines=${lines} link=${this.#peers.links.get(peer.toLowerCase()) ?? ''}></private-panel>`,
              )}
        </section>
      </div>
    `;
  }

  #status() {
    const connection = this.#connection;
    const estimate = this.#clock.estimate;
    const clock = estimate
      ? msg(str` · server clock ${signedDuration(estimate.offset)} from yours (round trip ${Math.round(estimate.roundTrip)} ms) · server time ${clockTime(this.#clock.now())}`, { id: 'status.clock' })
      : '';
    switch (connection.status) {
      case 'connecting':
        return msg('Connecting…', { id: 'status.connecting' });
      case 'online':
        return html`${msg(html`Online as <b>${this.account.login}</b>`, { id: 'status.online' })}${clock}`;
      case 'offline':
        return msg(str`Connection lost: trying again in ${Math.ceil(connection.retryInMs / 1000)} s… Direct private links keep working.`, { id: 'status.offline' });
      case 'elsewhere':
        return html`${msg('The chat is open in another tab.', { id: 'status.elsewhere' })} <button class="quiet" @click=${() => connection.rejoin()}>${msg('Use it here', { id: 'status.use-here' })}</button>`;
      case 'left':
        return html`${msg('You left the chat.', { id: 'status.left' })} <button class="quiet" @click=${() => connection.rejoin()}>${msg('Rejoin', { id: 'status.rejoin' })}</button>`;
    }
  }

  /** The closed gate's line: how many are here, how many it waits for. */
  #gate({ connected, needed }: GateState): string {
    const missing = needed - connected;
    const waiting = plural(
      missing,
      msg(str`${connected} of ${needed} here: waiting for ${missing} more.`, { id: 'gate.waiting-one' }),
      msg(str`${connected} of ${needed} here: waiting for ${missing} more.`, { id: 'gate.waiting-other' }),
    );
    return `${waiting} ${msg('Nobody sees a message until everyone is here.', { id: 'gate.nobody-sees' })}`;
  }

  /** The message box: a private line goes peer-to-peer, anything else (messages, commands) to the server. */
  #say(event: CustomEvent<{ text: string }>): void {
    const { text } = event.detail;
    const line = parseLine(text);
    this.#notice.clear();
    if (line.kind === 'private') void this.#peers.send(this.#room.loginOf(line.to), line.text);
    else this.#room.say(text, line);
  }

  #roomCommand(event: CustomEvent<Command>): void {
    this.#room.command(event.detail);
    this.drawer = false;
  }

  #privateOpen(event: CustomEvent<{ login: string }>): void {
    this.#peers.open(this.#room.loginOf(event.detail.login));
    this.drawer = false;
  }

  #peoplePage(event: CustomEvent<{ page: number }>): void {
    this.#room.askPeople(event.detail.page);
  }

  #privateSend(event: CustomEvent<{ to: string; text: string }>): void {
    void this.#peers.send(this.#room.loginOf(event.detail.to), event.detail.text);
  }

  async #logout(): Promise<void> {
    this.#connection.close(); // first: the server's 4001 must not reach this tab as a lost session
    await api.logout().catch(() => undefined);
    this.dispatchEvent(new CustomEvent('logged-out', { detail: { reason: msg('You logged out.', { id: 'chat.logged-out' }) }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-screen': ChatScreen;
  }
}
