import { Hono } from 'hono';
import type { RtcSettings } from '../../shared/rtc.ts';

/** `GET /api/rtc`: the STUN server's port, for the browsers' `RTCPeerConnection`. No session needed. */
export function rtcRoutes(stunPort: number | null): Hono {
  return new Hono().get('/', (c) => c.json<RtcSettings>({ stunPort }));
}
