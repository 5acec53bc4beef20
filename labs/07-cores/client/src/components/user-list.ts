import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { UserInfo } from '../../../shared/protocol.ts';
import { controls } from './styles.ts';

/**
 * A page of the registered users, online ones first, and where they are, as of the last answer:
 * the list changes only when the person asks (Refresh, or another page).
 *
 * @fires private-open - `{ login }`: the person wants a private conversation with `login`.
 * @fires people-page - `{ page }`: the person wants this page of the people (the same one to refresh it).
 */
@customElement('user-list')
@localized()
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
      .counts { color: #6b7280; font-size: 0.85rem; margin: 0 0 0.5rem; }
      nav { display: flex; flex-wrap: wrap; gap: 0.35rem; margin-top: 0.5rem; }
    `,
  ];

  @property({ attribute: false }) users: UserInfo[] = [];
  @property() me = '';
  @property({ type: Number }) page = 0;
  @property({ type: Number }) pages = 1;
  @property({ type: Number }) online = 0;
  @property({ type: Number }) total = 0;

  override render() {
    const sorted = [...this.users].sort((a, b) => Number(b.online) - Number(a.online));
    return html`
      <h2 id="users-title">${msg('People', { id: 'people.title' })}</h2>
      <p class="counts">
        ${msg(str`${this.online} online of ${this.total}`, { id: 'people.counts' })}${this.pages > 1 ? msg(str`, page ${this.page + 1} of ${this.pages}`, { id: 'people.page' }) : ''}
      </p>
      <ul aria-labelledby="users-title">
        ${sorted.map(
          (user) => html`
            <li class=${user.online ? 'online' : ''}>
              <span class="dot" aria-hidden="true"></span>
              <span class="who">${user.firstName} ${user.lastName} (${user.login})
                <span class="where">${user.online ? msg(str`online in ${user.room}`, { id: 'people.online-in' }) : msg('offline', { id: 'people.offline' })}</span></span>
              ${user.online && user.login !== this.me
                ? html`<button class="quiet" aria-label=${msg(str`Message ${user.login} privately`, { id: 'people.private-label' })} @click=${() => this.#open(user.login)}>${msg('Private', { id: 'people.private' })}</button>`
                : ''}
            </li>
          `,
        )}
      </ul>
      <nav aria-label=${msg('Pages of people', { id: 'people.pages' })}>
        <button class="quiet" aria-label=${msg('Refresh the list of people', { id: 'people.refresh-label' })} @click=${() => this.#page(this.page)}>${msg('Refresh', { id: 'people.refresh' })}</button>
        ${this.pages > 1
          ? html`<button class="quiet" ?disabled=${this.page === 0} @click=${() => this.#page(this.page - 1)}>${msg('Previous', { id: 'people.previous' })}</button>
              <button class="quiet" ?disabled=${this.page >= this.pages - 1} @click=${() => this.#page(this.page + 1)}>${msg('Next', { id: 'people.next' })}</button>`
          : ''}
      </nav>
    `;
  }

  #page(page: number): void {
    this.dispatchEvent(new CustomEvent('people-page', { detail: { page }, bubbles: true, composed: true }));
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
