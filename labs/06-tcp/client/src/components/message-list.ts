import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Entry } from '../../../shared/protocol.ts';
import { clockTime } from '../lib/format.ts';

/** A room's entries, oldest first, with server-time timestamps. Text is rendered as text, never as HTML. */
@customElement('message-list')
export class MessageList extends LitElement {
  static override styles = css`
    :host { display: block; overflow-y: auto; padding: 0.75rem; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; }
    li { padding: 0.4rem 0.6rem; border-radius: 0.5rem; background: white; border: 1px solid #e5e7eb; overflow-wrap: anywhere; white-space: pre-wrap; }
    li.mine { border-left: 4px solid #1d4ed8; }
    li.notice { background: transparent; border: 0; color: #6b7280; font-style: italic; text-align: center; }
    time { color: #6b7280; font-size: 0.8rem; margin-right: 0.35rem; font-variant-numeric: tabular-nums; }
    b { margin-right: 0.35rem; }
    .missed, .empty { color: #6b7280; text-align: center; }
  `;

  @property({ attribute: false }) entries: Entry[] = [];
  @property({ type: Number }) missed = 0;
  /** The logged-in person, whose messages are marked. */
  @property() me = '';

  override render() {
    return html`
      ${this.missed > 0 ? html`<p class="missed">${this.missed} earlier messages are only in the server's log.</p>` : nothing}
      ${this.entries.length === 0 ? html`<p class="empty">No messages here yet.</p>` : nothing}
      <ol aria-label="Messages" aria-live="polite">
        ${repeat(
          this.entries,
          (entry) => entry.seq,
          (entry) =>
            entry.kind === 'notice'
              ? html`<li class="notice"><time>${clockTime(entry.time)}</time>${entry.text}</li>`
              : html`<li class=${entry.from === this.me ? 'mine' : ''}><time>${clockTime(entry.time)}</time><b>${entry.from}</b>${entry.text}</li>`,
        )}
      </ol>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('entries')) this.scrollTop = this.scrollHeight;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-list': MessageList;
  }
}
