/** `GET /api/rtc`: what a browser needs to set up its direct links. */
export interface RtcSettings {
  /** The UDP port of the lab's STUN server, at the host the page came from; null for none. */
  stunPort: number | null;
}
