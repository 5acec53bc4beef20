/**
 * What the lab 03 checkers share: a real server on port 0 with its logs in a temporary folder,
 * clients that connect to it, and a way to know that every frame the server has sent so far has
 * arrived, so a checker can say "nothing came" without sleeping.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import type { Locator } from 'playwright-core';
import { startServer, type ServerOptions } from '../server/server.ts';
import { TestClient } from '../test/ws-client.ts';

/** No rate limit: the checkers send many frames at once. */
export const FAST = { perSecond: 1e6, burst: 1e6 };

/** A frame as JSON, whatever its type: the checkers look for frames the lab does not have yet. */
export type AnyFrame = { type: string; [key: string]: any };

export interface LabOptions {
  graceSeconds?: number;
  /** Use this log folder (a temporary one otherwise). */
  logDir?: string;
  /** Passed to `startServer()`; may name options the exercise adds. */
  server?: Record<string, unknown>;
}

/** Starts the lab on port 0, closed when the test ends; `join` connects a `ws` client to it. */
export async function startLab(t: TestContext, { graceSeconds = 30, logDir, server: options = {} }: LabOptions = {}) {
  logDir ??= await tempDir(t, 'lab03-exercise');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds }, { rate: FAST, ...options } as ServerOptions);
  t.after(() => server.close());
  const url = server.urls[0]!;
  const join = async (query: string) => {
    const client = await TestClient.connect(url, query);
    t.after(() => client.close());
    return client;
  };
  return { server, logDir, url, join };
}

/** Every frame the client has received, oldest first. */
export const framesOf = (client: TestClient) => client.frames as unknown as AnyFrame[];

/** The entries the client has received live (not those of its welcome). */
export const entriesOf = (client: TestClient) => framesOf(client).flatMap((frame) => (frame.type === 'entry' ? [frame.entry] : []));

/**
 * Resolves once each client (in this order) has received every frame the server sent it before
 * now. A ping is answered after every frame the server received before it, so its pong comes after
 * every answer to them; pinging the senders first and the other windows next covers broadcasts.
 */
export async function settle(...clients: TestClient[]): Promise<void> {
  for (const client of clients) {
    const pong = once(client.socket, 'pong');
    client.socket.ping();
    await pong;
  }
}

/** A short description of frames for a failure message. */
export function describeFrames(frames: AnyFrame[]): string {
  if (frames.length === 0) return 'nothing';
  return frames.map(describeFrame).join('\n  ');
}

function describeFrame(frame: AnyFrame): string {
  if (frame.type !== 'entry') return JSON.stringify(frame).slice(0, 120);
  const { seq, kind, from, text } = frame.entry;
  return `entry ${seq}: ${kind}${from ? ` from ${from}` : ''}, "${String(text).slice(0, 60)}"`;
}

/** Waits for a locator to show up, or fails with `message` instead of a long Playwright timeout. */
export async function shows(locator: Locator, message: string, timeout = 10_000): Promise<void> {
  try {
    await locator.first().waitFor({ timeout });
  } catch {
    assert.fail(message);
  }
}
