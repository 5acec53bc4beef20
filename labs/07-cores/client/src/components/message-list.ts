import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { repeat } from 'lit/directives/repeat.js';
import type { Entry } from '../../../shared/protocol.ts';
import { clockTime } from '../lib/format.ts';
import { plural } from '../i18n/texts.ts';
import { collapseComings, noticeText } from '../lib/notices.ts';
import type { Held } from '../lib/room-view.ts';

/**
 * A room's entries, oldest first, with server-time timestamps; a run of join and leave notices
 * shows as one line. Then this tab's own messages the closed gate holds. Text is rendered as
 * text, never as HTML.
 */
@customElement('message-list')
@localized()
export class MessageList extends LitElement {
  static override styles = css`
    :host { display: block; overflow-y: auto; padding: 0.75rem; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; }
    li { padding: 0.4rem 0.6rem; border-radius: 0.5rem; background: white; border: 1px solid #e5e7eb; overflow-wrap: anywhere; white-space: pre-wrap; }
    li.mine { border-left: 4px solid #1d4ed8; }
    li.notice { background: transparent; border: 0; color: #6b7280; font-style: italic; text-align: center; }
    li.held { opacity: 0.7; border-style: dashed; }
    small { display: block; color: #6b7280; }
    time { color: #6b7280; font-size: 0.8rem; margin-right: 0.35rem; font-variant-numeric: tabular-nums; }
    b { margin-right: 0.35rem; }
    .missed, .empty { color: #6b7280; text-align: center; }
  `;

  @property({ attribute: false }) entries: Entry[] = [];
  /** This tab's messages held by the closed gate, not numbered yet. */
  @property({ attribute: false }) held: Held[] = [];
  @property({ type: Number }) missed = 0;
  /** The logged-in person, whose messages are marked. */
  @property() me = '';

  override render() {
    return html`
      ${this.missed > 0 ? html`<p class="missed">${this.#missed()}</p>` : nothing}
      ${this.entries.length === 0 && this.held.length === 0 ? html`<p class="empty">${msg('No messages here yet.', { id: 'messages.empty' })}</p>` : nothing}
      <ol aria-label=${msg('Messages', { id: 'messages.label' })} aria-live="polite">
        ${repeat(
          collapseComings(this.entries),
          (row) => (row.kind === 'entry' ? row.entry.seq : `comings ${row.key}`),
          (row) => {
            if (row.kind === 'comings') return html`<li class="notice" title=${msg(str`${row.count} arrivals and departures`, { id: 'messages.comings-title' })}><time>${clockTime(row.time)}</time>${row.text}</li>`;
            const { entry } = row;
            return entry.kind === 'notice'
              ? html`<li class="notice"><time>${clockTime(entry.time)}</time>${noticeText(entry.text)}</li>`
              : html`<li class=${entry.from === this.me ? 'mine' : ''}><time>${clockTime(entry.time)}</time><b>${entry.from}</b>${entry.text}</li>`;
          },
        )}
        ${this.held.map(({ from, text }) => html`<li class="mine held"><b>${from}</b>${text}<small>${msg('held until the gate opens', { id: 'messages.held' })}</small></li>`)}
      </ol>
    `;
  }

  #missed(): string {
    const count = this.missed;
    return plural(
      count,
      msg(str`${count} earlier message is only in the server's log.`, { id: 'messages.missed-one' }),
      msg(str`${count} earlier messages are only in the server's log.`, { id: 'messages.missed-other' }),
    );
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('entries') || changed.has('held')) this.scrollTop = this.scrollHeight;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-list': MessageList;
  }
}
