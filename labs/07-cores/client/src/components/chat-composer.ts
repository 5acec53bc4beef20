import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { MAX_MESSAGE_LENGTH } from '../../../shared/protocol.ts';
import { controls } from './styles.ts';

/**
 * A text box and a Send button; Enter sends too.
 *
 * @fires send - `{ text }`: the text typed, never blank.
 */
@customElement('chat-composer')
@localized()
export class ChatComposer extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; min-width: 0; }
      form { display: flex; gap: 0.5rem; align-items: center; }
      input { flex: 1; }
    `,
  ];

  /** The text box's accessible name; "Message" in the page's language when not given. */
  @property() label = '';
  /** The hint in the empty text box; one for the room's box when not given. */
  @property() placeholder = '';
  @query('input') private input!: HTMLInputElement;

  override render() {
    const label = this.label || msg('Message', { id: 'composer.label' });
    return html`
      <form @submit=${this.#submit}>
        <label class="visually-hidden" for="text">${label}</label>
        <input id="text" aria-label=${label} maxlength=${MAX_MESSAGE_LENGTH} autocomplete="off" enterkeyhint="send" placeholder=${this.placeholder || msg('Type a message or a #command', { id: 'composer.placeholder' })} />
        <button type="submit">${msg('Send', { id: 'composer.send' })}</button>
      </form>
    `;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const text = this.input.value;
    if (text.trim() === '') return;
    this.dispatchEvent(new CustomEvent('send', { detail: { text }, bubbles: true, composed: true }));
    this.input.value = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': ChatComposer;
  }
}
