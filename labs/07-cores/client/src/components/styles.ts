import { css } from 'lit';

/** What every component shares: buttons, inputs and focus rings with large touch targets. */
export const controls = css`
  :host { --user: #1d4ed8; --muted: #6b7280; --line: #e5e7eb; --danger: #b91c1c; }
  * { box-sizing: border-box; }
  button, input, select { font: inherit; min-height: 2.75rem; border-radius: 0.5rem; border: 1px solid #9ca3af; padding: 0.5rem 0.75rem; }
  button { background: #111827; color: white; border-color: #111827; cursor: pointer; }
  button.quiet { background: white; color: #111827; }
  button.danger { background: white; color: var(--danger); border-color: var(--danger); }
  input, select { background: white; color: #111827; min-width: 0; }
  :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
