import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { LANGUAGE_NAMES, LOCALES, type Locale } from '../i18n/choose.ts';
import { getLocale } from '../i18n/locale.ts';
import { useLocale } from '../i18n/page-locale.ts';
import { controls } from './styles.ts';

/**
 * The language of the page: each one named in itself (English, Español, Português). A choice
 * is shown at once, everywhere, and remembered in this browser (`i18n/locale.ts`).
 */
@customElement('language-picker')
@localized()
export class LanguagePicker extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: inline-block; min-width: 0; }
      select { max-width: 100%; }
    `,
  ];

  override render() {
    const shown = getLocale();
    return html`
      <select aria-label=${msg('Language', { id: 'language.label' })} @change=${this.#change}>
        ${LOCALES.map((locale) => html`<option value=${locale} lang=${locale} ?selected=${locale === shown}>${LANGUAGE_NAMES[locale]}</option>`)}
      </select>
    `;
  }

  #change(event: Event): void {
    void useLocale((event.target as HTMLSelectElement).value as Locale);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'language-picker': LanguagePicker;
  }
}
