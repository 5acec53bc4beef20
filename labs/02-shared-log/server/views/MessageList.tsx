import type { LogEntry } from '../core/log-format.ts';

/** A log's entries, oldest first. Text goes in as JSX children, so HTML in it is shown, not run. */
export function MessageList({ entries }: { entries: LogEntry[] }) {
  if (entries.length === 0) return <p class="empty">No messages yet.</p>;
  return (
    <ol class="messages" aria-label="Conversation">
      {entries.map((entry) =>
        entry.from === null ? (
          <li class="event">
            <time>{entry.time}</time> {entry.text}
          </li>
        ) : (
          <li class={`message from-${entry.from}`}>
            <time>{entry.time}</time> <b>{entry.from}</b> <span class="text">{entry.text}</span>
          </li>
        ),
      )}
    </ol>
  );
}
