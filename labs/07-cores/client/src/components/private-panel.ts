import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { PrivateLine } from '../controllers/peers-controller.ts';
import { clockTime } from '../lib/format.ts';
import './chat-composer.ts';

/**
 * A private conversation with one peer, straight between the two browsers.
 *
 * @fires private-send - `{ to, text }`: a private message to send to `to`.
 */
@customElement('private-panel')
@localized()
export class PrivatePanel extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; gap: 0.5rem; min-width: 0; border: 1px solid #e5e7eb; border-radius: 0.75rem; background: white; padding: 0.75rem; }
    h2 { font-size: 1rem; margin: 0; }
    .link { color: #6b7280; font-size: 0.85rem; font-weight: normal; }
    .link.open { color: #15803d; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; max-height: 14rem; overflow-y: auto; }
    li { overflow-wrap: anywhere; white-space: pre-wrap; }
    time { color: #6b7280; font-size: 0.8rem; margin-right: 0.35rem; }
    b { margin-right: 0.35rem; }
  `;

  @property() peer = '';
  @property() me = '';
  @property({ attribute: false }) lines: PrivateLine[] = [];
  /** The direct link's state: connecting, open or closed. */
  @property() link: 'connecting' | 'open' | 'closed' | '' = '';

  override render() {
    return html`
      <h2>
        ${msg(str`Private with ${this.peer}`, { id: 'private.title' })}
        <span class="link ${this.link}">· ${this.#linkState()}</span>
      </h2>
      <ol aria-label=${msg(str`Private messages with ${this.peer}`, { id: 'private.list-label' })} aria-live="polite">
        ${this.lines.map((line) => html`<li><time>${clockTime(line.time)}</time><b>${line.from === this.me ? msg('you', { id: 'private.you' }) : line.from}</b>${line.text}</li>`)}
      </ol>
      <chat-composer
        label=${msg(str`Private message to ${this.peer}`, { id: 'private.composer-label' })}
        placeholder=${msg(str`Only ${this.peer} will see this`, { id: 'private.composer-placeholder' })}
        @send=${this.#send}
      ></chat-composer>
    `;
  }

  #linkState(): string {
    if (this.link === 'open') return msg('direct link open', { id: 'private.link-open' });
    if (this.link === 'connecting') return msg('connecting directly…', { id: 'private.link-connecting' });
    return msg('no direct link yet', { id: 'private.link-none' });
  }

  #send(event: CustomEvent<{ text: string }>): void {
    event.stopPropagation();
    this.dispatchEvent(new CustomEvent('private-send', { detail: { to: this.peer, text: event.detail.text }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'private-panel': PrivatePanel;
  }
}
