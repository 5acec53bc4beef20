import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FieldCodes, FieldErrors, PublicAccount } from '../../shared/accounts.ts';
import { ConfigError } from '../config.ts';
import { checkRegistration, loginKey } from '../core/accounts.ts';
import { lockDataDir } from './data-lock.ts';

interface StoredAccount extends PublicAccount {
  /** `scrypt$N$r$p$<salt base64>$<hash base64>`: the password itself is never kept. */
  passwordHash: string;
}

export type RegisterResult = { ok: true; account: PublicAccount } | { ok: false; status: 400 | 409; errors: FieldErrors; codes: FieldCodes };

/** Hooks for tests and measurements; the lab passes none. */
export interface StoreHooks {
  /** A registration is hashed and waits for a write; `waiting` is how many do now. */
  queued?(waiting: number): void;
  /** A write of `accounts.json` starts with `added` new accounts; return a promise to hold it back. */
  writing?(added: number): void | Promise<void>;
}

/** Salted scrypt at Node's default cost: 16 MiB and, on a 2-core laptop, about 60 ms per hash. */
const SCRYPT = { N: 16384, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 64;

/** Checked when the login does not exist, so an unknown login costs as much time as a known one. */
const DUMMY_HASH = formatHash(SCRYPT, Buffer.alloc(SALT_BYTES), Buffer.alloc(KEY_BYTES));

/**
 * The accounts, kept in memory and saved to `<dataDir>/accounts.json`.
 *
 * Every save writes the whole file to `accounts.json.tmp`, flushes it to the disk (fsync),
 * renames it over `accounts.json` and flushes the folder: a crash at any moment leaves either
 * the old file or the new one, never half of one. A registration is confirmed only once the
 * save that holds it is done. Saves take turns; registrations that arrive during a save all go
 * into the next one (a group commit), so a burst of registrations costs a few saves, not one each.
 */
export class AccountStore {
  /** Login key → confirmed account. */
  #accounts: Map<string, StoredAccount>;
  /** Logins being registered (hashing or waiting for their save): taken already. */
  #reserved = new Set<string>();
  /** Hashed accounts waiting for the next save. */
  #queued = new Map<string, StoredAccount>();
  /** The save that will take everything queued now, once the one in flight is done. */
  #nextSave: Promise<void> | undefined;
  #lastSave: Promise<void> = Promise.resolve();
  #running = new Set<Promise<unknown>>();
  #closed = false;

  private constructor(
    private readonly file: string,
    accounts: StoredAccount[],
    private readonly hooks: StoreHooks,
    private readonly unlock: () => Promise<void>,
  ) {
    this.#accounts = new Map(accounts.map((account) => [loginKey(account.login), account]));
  }

  /**
   * Creates `dataDir` if needed, takes it for this process (see {@link lockDataDir}: another
   * server using it stops this one with a {@link ConfigError}) and loads its `accounts.json`.
   * A leftover `accounts.json.tmp` (a save cut short by a crash) is removed. A file that is not a
   * clean accounts file (not JSON, a byte-order mark, a login written twice, in two cases or two Unicode forms) stops the
   * server with a {@link ConfigError}, rather than starting and losing accounts at the next save.
   */
  static async open(dataDir: string, hooks: StoreHooks = {}): Promise<AccountStore> {
    await mkdir(dataDir, { recursive: true });
    const unlock = await lockDataDir(dataDir);
    try {
      const file = join(dataDir, 'accounts.json');
      await rm(`${file}.tmp`, { force: true });
      return new AccountStore(file, await load(file), hooks, unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /**
   * Registers an account from a form (`raw`, the request's JSON). Resolves once the account is
   * on disk; 400 with an error per wrong field, 409 if the login is taken in any case.
   */
  register(raw: unknown): Promise<RegisterResult> {
    if (this.#closed) return Promise.reject(new Error('the account store is closed'));
    const registering = this.#register(raw);
    this.#running.add(registering);
    return registering.finally(() => this.#running.delete(registering));
  }

  /** The account if the password is right, else undefined; takes the same time for unknown logins. */
  async verify(login: string, password: string): Promise<PublicAccount | undefined> {
    const account = this.#accounts.get(loginKey(login));
    const matches = await checkPassword(password, account?.passwordHash ?? DUMMY_HASH);
    return matches && account ? toPublic(account) : undefined;
  }

  /** The confirmed account with this login, in any case. */
  get(login: string): PublicAccount | undefined {
    const account = this.#accounts.get(loginKey(login));
    return account && toPublic(account);
  }

  /** Every confirmed account, sorted by login. */
  list(): PublicAccount[] {
    return sortByKey(this.#accounts).map(toPublic);
  }

  /** Refuses new registrations, waits for the ones under way to be saved, and lets the data folder go. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#running);
    await this.#lastSave;
    await this.unlock();
  }

  async #register(raw: unknown): Promise<RegisterResult> {
    const checked = checkRegistration(raw);
    if (!checked.ok) return { ok: false, status: 400, errors: checked.errors, codes: checked.codes };
    const { password, ...profile } = checked.registration;
    const key = loginKey(profile.login);
    if (this.#accounts.has(key) || this.#reserved.has(key)) {
      return { ok: false, status: 409, errors: { login: `Login "${profile.login}" is taken: choose another.` }, codes: { login: 'login-taken' } };
    }
    this.#reserved.add(key);
    try {
      const account = { ...profile, createdAt: new Date().toISOString(), passwordHash: await hashPassword(password) };
      this.#queued.set(key, account);
      this.hooks.queued?.(this.#queued.size);
      await this.#save();
      return { ok: true, account: toPublic(account) };
    } finally {
      this.#reserved.delete(key);
    }
  }

  /** Joins the next save, starting one after the save in flight if none is waiting. */
  #save(): Promise<void> {
    if (!this.#nextSave) {
      this.#nextSave = this.#lastSave.then(() => {
        this.#nextSave = undefined;
        return this.#write();
      });
      this.#lastSave = this.#nextSave.catch(() => undefined);
    }
    return this.#nextSave;
  }

  /** Saves the confirmed accounts with the queued ones; only then are those confirmed too. */
  async #write(): Promise<void> {
    const added = new Map(this.#queued);
    this.#queued.clear();
    await this.hooks.writing?.(added.size);
    const accounts = sortByKey(new Map([...this.#accounts, ...added]));
    await writeAtomically(this.file, `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`);
    for (const [key, account] of added) this.#accounts.set(key, account);
  }
}

/**
 * Reads the accounts of `file` (none if it is missing). A file edited by hand may be broken:
 * anything but a clean accounts file stops the server with one sentence naming the file and the
 * problem (a {@link ConfigError}), since starting anyway would drop accounts at the next save.
 */
async function load(file: string): Promise<StoredAccount[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}.`);
  }
  const problem = checkAccounts(text);
  if (problem) throw new ConfigError(`${file} ${problem}: fix it by hand, or move it away to start with no accounts.`);
  return JSON.parse(text).accounts;
}

/** What is wrong with the text of an accounts file, or undefined when nothing is. */
function checkAccounts(text: string): string | undefined {
  if (text.startsWith('\uFEFF')) return 'starts with a byte-order mark (an editor saved it as "UTF-8 with BOM"; save it as plain UTF-8)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON (${(error as Error).message})`;
  }
  const accounts = (parsed as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(accounts)) return 'is not an accounts file (it should be {"version": 1, "accounts": [...]})';
  const bad = accounts.findIndex((account) => !isStoredAccount(account));
  if (bad >= 0) return `is not an accounts file: account ${bad + 1} has no login or no passwordHash`;
  const seen = new Map<string, string>();
  for (const { login } of accounts as StoredAccount[]) {
    const first = seen.get(loginKey(login));
    if (first !== undefined) return `holds both "${first}" and "${login}", one login written two ways (logins are the same in any case and any Unicode form; keep one)`;
    seen.set(loginKey(login), login);
  }
  return undefined;
}

function isStoredAccount(value: unknown): value is StoredAccount {
  const account = value as StoredAccount;
  return typeof account?.login === 'string' && typeof account.passwordHash === 'string';
}

/** Writes `text` to `file` so that a crash leaves either the old file or the new one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncFolder(dirname(file));
}

/** Makes a rename durable. Windows cannot open a folder, and its file system journals renames. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return formatHash(SCRYPT, salt, await derive(password, salt, SCRYPT));
}

async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(N), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Passwords are normalised (NFKC) first, so the same password typed on two devices matches. */
function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function formatHash({ N, r, p }: ScryptOptions, salt: Buffer, hash: Buffer): string {
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function toPublic({ passwordHash, ...account }: StoredAccount): PublicAccount {
  return account;
}

function sortByKey<T>(map: Map<string, T>): T[] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => value);
}
