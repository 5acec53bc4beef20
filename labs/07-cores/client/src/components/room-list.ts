import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { MAX_ROOM_NAME_LENGTH, ROOM_NAME_PATTERN } from '../../../shared/commands.ts';
import { LOBBY, type Command, type RoomInfo } from '../../../shared/protocol.ts';
import { plural, roomNameRule } from '../i18n/texts.ts';
import { controls } from './styles.ts';

/**
 * The rooms with their live participant counts, the current one marked.
 *
 * @fires room-command - a {@link Command} (create, go, leave, delete) when a button is pressed.
 */
@customElement('room-list')
@localized()
export class RoomList extends LitElement {
  static override styles = [
    controls,
    css`
      ul { list-style: none; margin: 0 0 0.75rem; padding: 0; display: flex; flex-direction: column; gap: 0.35rem; }
      li { display: flex; flex-wrap: wrap; gap: 0.35rem; align-items: center; }
      li button.enter:disabled { opacity: 1; cursor: default; }
      li button.enter { flex: 1 1 8rem; min-width: 0; text-align: left; background: white; color: #111827; border-color: #e5e7eb; display: flex; justify-content: space-between; gap: 0.5rem; }
      .name { min-width: 0; overflow-wrap: anywhere; }
      li[aria-current='true'] button.enter { border: 2px solid #1d4ed8; font-weight: 600; }
      .count { color: #6b7280; font-variant-numeric: tabular-nums; }
      form { display: flex; gap: 0.35rem; }
      form input { flex: 1; width: 100%; }
      h2 { font-size: 0.95rem; margin: 0 0 0.5rem; }
    `,
  ];

  @property({ attribute: false }) rooms: RoomInfo[] = [];
  @property() current = '';
  @property() me = '';
  @query('input') private nameInput!: HTMLInputElement;

  override render() {
    return html`
      <h2 id="rooms-title">${msg('Rooms', { id: 'rooms.title' })}</h2>
      <ul aria-labelledby="rooms-title">
        ${this.rooms.map((room) => {
          const here = room.name === this.current;
          const people = plural(room.members, msg(str`${room.members} person`, { id: 'rooms.people-one' }), msg(str`${room.members} people`, { id: 'rooms.people-other' }));
          return html`
            <li aria-current=${here ? 'true' : 'false'}>
              <button class="enter" ?disabled=${here} aria-label=${here ? msg(str`${room.name}, ${people}, you are here`, { id: 'rooms.here' }) : msg(str`Go to ${room.name}, ${people}`, { id: 'rooms.go' })} @click=${() => this.#command({ name: 'go', room: room.name })}>
                <span class="name">${room.name}</span><span class="count">${room.members}</span>
              </button>
              ${here && room.name !== LOBBY ? html`<button class="quiet" @click=${() => this.#command({ name: 'leave' })}>${msg('Leave', { id: 'rooms.leave' })}</button>` : ''}
              ${room.creator === this.me ? html`<button class="danger" aria-label=${msg(str`Delete room ${room.name}`, { id: 'rooms.delete-label' })} @click=${() => this.#command({ name: 'delete', room: room.name })}>${msg('Delete', { id: 'rooms.delete' })}</button>` : ''}
            </li>
          `;
        })}
      </ul>
      <form @submit=${this.#create}>
        <label class="visually-hidden" for="new-room">${msg('New room name', { id: 'rooms.new-label' })}</label>
        <input id="new-room" placeholder=${msg('New room', { id: 'rooms.new-placeholder' })} maxlength=${MAX_ROOM_NAME_LENGTH} pattern=${ROOM_NAME_PATTERN} title=${roomNameRule()} required />
        <button type="submit">${msg('Create', { id: 'rooms.create' })}</button>
      </form>
    `;
  }

  #create(event: SubmitEvent): void {
    event.preventDefault();
    this.#command({ name: 'create', room: this.nameInput.value.trim() });
    this.nameInput.value = '';
  }

  #command(command: Command): void {
    this.dispatchEvent(new CustomEvent('room-command', { detail: command, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'room-list': RoomList;
  }
}
