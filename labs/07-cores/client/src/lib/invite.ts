/**
 * The address to invite others to: the one this page was opened at, unless it is this computer's
 * own name for itself (localhost, 127.x.x.x, ::1), which no other device can open. With `--host`
 * the lab prints the others.
 */
export function inviteUrl({ protocol, host, hostname }: { protocol: string; host: string; hostname: string }): string | undefined {
  const loopback = hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
  return loopback ? undefined : `${protocol}//${host}/`;
}
