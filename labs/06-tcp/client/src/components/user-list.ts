import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { UserInfo } from '../../../shared/protocol.ts';
import { controls } from './styles.ts';

/**
 * Every registered user, online ones first, and where they are.
 *
 * @fires private-open - `{ login }`: the person wants a private conversation with `login`.
 */
@customElement('user-list')
export class UserList extends LitElement {
  static override styles = [
    controls,
    css`
      h2 { font-size: 0.95rem; margin: 0 0 0.5rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      li { display: flex; align-items: center; gap: 0.5rem; min-height: 2.75rem; }
      .who { flex: 1; overflow-wrap: anywhere; }
      .where { color: #6b7280; font-size: 0.85rem; display: block; }
      .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: #d1d5db; flex: none; }
      .online .dot { background: #16a34a; }
      button { padding: 0.4rem 0.6rem; }
    `,
  ];

  @property({ attribute: false }) users: UserInfo[] = [];
  @property() me = '';

  override render() {
    const sorted = [...this.users].sort((a, b) => Number(b.online) - Number(a.online));
    return html`
      <h2 id="users-title">People</h2>
      <ul aria-labelledby="users-title">
        ${sorted.map(
          (user) => html`
            <li class=${user.online ? 'online' : ''}>
              <span class="dot" aria-hidden="true"></span>
              <span class="who">${user.firstName} ${user.lastName} (${user.login})
                <span class="where">${user.online ? `online in ${user.room}` : 'offline'}</span></span>
              ${user.online && user.login !== this.me
                ? html`<button class="quiet" aria-label=${`Message ${user.login} privately`} @click=${() => this.#open(user.login)}>Private</button>`
                : ''}
            </li>
          `,
        )}
      </ul>
    `;
  }

  #open(login: string): void {
    this.dispatchEvent(new CustomEvent('private-open', { detail: { login }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'user-list': UserList;
  }
}
