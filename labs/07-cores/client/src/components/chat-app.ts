import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import type { PublicAccount } from '../../../shared/accounts.ts';
import { api } from '../lib/api.ts';
import './auth-screen.ts';
import './chat-screen.ts';

/** The whole page: the chat when logged in, else the log-in and register screen. */
@customElement('chat-app')
@localized()
export class ChatApp extends LitElement {
  /** undefined while it asks the server who is logged in. */
  @state() private account: PublicAccount | null | undefined;
  @state() private notice = '';

  override connectedCallback(): void {
    super.connectedCallback();
    api.me().then(
      (account) => (this.account = account),
      () => {
        this.account = null;
        this.notice = msg('The server cannot be reached right now.', { id: 'app.unreachable' });
      },
    );
  }

  override render() {
    if (this.account === undefined) return html`<p role="status">${msg('Loading…', { id: 'app.loading' })}</p>`;
    if (this.account === null) {
      return html`<auth-screen notice=${this.notice} @logged-in=${(event: CustomEvent<{ account: PublicAccount }>) => (this.account = event.detail.account)}></auth-screen>`;
    }
    return html`<chat-screen .account=${this.account} @logged-out=${this.#loggedOut}></chat-screen>`;
  }

  #loggedOut(event: CustomEvent<{ reason: string }>): void {
    this.notice = event.detail.reason;
    this.account = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-app': ChatApp;
  }
}
