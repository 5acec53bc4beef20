import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { renderSVG } from 'uqr';
import { inviteUrl } from '../lib/invite.ts';

/**
 * A QR code of the address this page was opened at, for a neighbour's phone to scan: the same one
 * the lab prints in its terminal. Nothing when the page was opened as localhost.
 */
@customElement('invite-qr')
@localized()
export class InviteQr extends LitElement {
  static override styles = css`
    summary { cursor: pointer; font-weight: 600; font-size: 0.95rem; }
    figure { margin: 0.5rem 0 0; }
    svg { width: 100%; max-width: 12rem; height: auto; display: block; }
    figcaption { font-size: 0.85rem; overflow-wrap: anywhere; color: #374151; }
  `;

  override render() {
    const url = inviteUrl(location);
    if (!url) return nothing;
    const qr = renderSVG(url, { border: 2 }).replace('<svg ', `<svg role="img" aria-label="${msg(str`QR code of ${url}`, { id: 'invite.qr-label' })}" `);
    return html`
      <details>
        <summary>${msg('Invite someone', { id: 'invite.summary' })}</summary>
        <figure>${unsafeSVG(qr)}<figcaption>${url}</figcaption></figure>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'invite-qr': InviteQr;
  }
}
