import { LOGIN_PATTERN, type PublicAccount } from '../../shared/accounts.ts';
import { normalizeName } from '../../shared/names.ts';
import type { LogInLimit } from '../core/log-in-limit.ts';
import type { Throttle } from '../core/throttle.ts';
import type { AccountStore } from './store.ts';

export interface LogInDeps {
  accounts: AccountStore;
  throttle: Throttle;
  /** Log-ins, right or wrong, per login and per address. */
  logIns: LogInLimit;
  /** The time in milliseconds, for the throttle and the log-in limit. */
  now: () => number;
}

export type LogInResult =
  | { ok: true; account: PublicAccount }
  | { ok: false; status: 401; error: string }
  | { ok: false; status: 429; error: string; retryAfterSeconds: number };

const WRONG_LOGIN = 'Wrong login or password.';

/**
 * Checks a login and its password, for the web page (`POST /api/login`) and a terminal
 * (`tcp/session.ts`) alike, so that both count failures in the same {@link Throttle} and log-ins
 * in the same {@link LogInLimit}: a guesser gains nothing by switching from one to the other. A
 * failure says the same thing whether the login exists or not. The login is normalised first
 * (`normalizeName`), so `JOSE\u0301` counts and logs in as `josé`.
 */
export async function logIn({ accounts, throttle, logIns, now }: LogInDeps, typed: string, password: string, address: string): Promise<LogInResult> {
  const login = normalizeName(typed);
  if (!LOGIN_PATTERN.test(login)) return { ok: false, status: 401, error: WRONG_LOGIN };
  const verdict = throttle.check(login, address, now());
  if (!verdict.ok) {
    const { retryAfterSeconds } = verdict;
    return { ok: false, status: 429, error: `Too many failed attempts: ${tryAgainIn(retryAfterSeconds)}.`, retryAfterSeconds };
  }
  const allowed = logIns.take(login, address, now());
  if (!allowed.ok) {
    const { retryAfterSeconds } = allowed;
    return { ok: false, status: 429, error: `Too many log-ins: ${tryAgainIn(retryAfterSeconds)}.`, retryAfterSeconds };
  }
  throttle.fail(login, address, now());
  const account = await accounts.verify(login, password);
  if (!account) {
    logIns.giveBack(login);
    return { ok: false, status: 401, error: WRONG_LOGIN };
  }
  throttle.succeed(login, address);
  return { ok: true, account };
}

/** `try again in 15 minutes`, rounded up to whole minutes. */
export function tryAgainIn(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
