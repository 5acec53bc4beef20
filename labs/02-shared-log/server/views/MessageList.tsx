import { eventText, roleName, t, type Language } from '../../shared/messages.js';
import type { LogEntry } from '../core/log-format.ts';
import type { Role } from '../core/message.ts';

/**
 * A log's entries, oldest first, as a chat: the messages of the window's own `role` on the right
 * (`mine`), the others' on the left (all of them when there is no `role`), events centred.
 * Text goes in as JSX children, so HTML in it is shown, not run. Names and events are shown in
 * `lang`; what people typed is shown as they typed it.
 */
export function MessageList({ lang, entries, role }: { lang: Language; entries: LogEntry[]; role?: Role }) {
  if (entries.length === 0) return <p class="empty">{t(lang, 'chat.empty')}</p>;
  return (
    <ol class="messages" aria-label={t(lang, 'chat.conversation')}>
      {entries.map((entry) =>
        entry.from === null ? (
          <li class="event">
            {eventText(lang, entry.text)} <Time time={entry.time} />
          </li>
        ) : (
          <li class={`message from-${entry.from}${entry.from === role ? ' mine' : ''}`}>
            <b>{roleName(lang, entry.from)}</b> <span class="text">{entry.text}</span> <Time time={entry.time} />
          </li>
        ),
      )}
    </ol>
  );
}

/** `hh:mm` on the page; the log's full `YYYY-MM-DD hh:mm:ss` in the tooltip. */
function Time({ time }: { time: string }) {
  return (
    <time datetime={time.replace(' ', 'T')} title={time}>
      {time.slice(11, 16)}
    </time>
  );
}
