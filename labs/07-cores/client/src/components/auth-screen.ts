import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { MAX_AGE, MIN_AGE, type FieldCodes, type FieldErrors } from '../../../shared/accounts.ts';
import { apiErrorText, fieldError, fieldName, genderChoices } from '../i18n/texts.ts';
import { api, ApiError } from '../lib/api.ts';
import './language-picker.ts';
import { controls } from './styles.ts';

type Field = keyof FieldErrors;

/**
 * Log in, or register then log in.
 *
 * @fires logged-in - `{ account }`: the person is logged in.
 */
@customElement('auth-screen')
@localized()
export class AuthScreen extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; max-width: 28rem; margin: 0 auto; padding: 1.25rem; }
      .top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem; margin: 1rem 0; }
      h1 { font-size: 1.3rem; margin: 0; }
      form { display: grid; gap: 0.75rem; }
      label { display: grid; gap: 0.25rem; font-weight: 600; }
      .error { color: var(--danger); font-weight: normal; font-size: 0.9rem; }
      .notice { padding: 0.5rem 0.75rem; border-radius: 0.5rem; background: #fef3c7; color: #92400e; }
      .switch { margin-top: 1rem; }
      .switch button { background: none; border: 0; color: #1d4ed8; text-decoration: underline; padding: 0; }
    `,
  ];

  /** A sentence to show first, e.g. why the person was logged out. */
  @property() notice = '';
  @state() private mode: 'login' | 'register' = 'login';
  /** What is wrong with each field: the server's sentences, and its codes, which are shown translated. */
  @state() private errors: FieldErrors = {};
  @state() private codes: FieldCodes = {};
  /** The error beside the button, made again in the language shown at each render. */
  @state() private error: (() => string) | null = null;
  @state() private busy = false;

  override render() {
    return html`
      <div class="top">
        <h1>Chat Lab 07 · ${this.mode === 'login' ? msg('Log in', { id: 'auth.log-in' }) : msg('Register', { id: 'auth.register' })}</h1>
        <language-picker></language-picker>
      </div>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.mode === 'login' ? this.#loginForm() : this.#registerForm()}
      ${this.error ? html`<p class="error" role="alert">${this.error()}</p>` : nothing}
      <p class="switch">
        ${this.mode === 'login'
          ? html`${msg('New here?', { id: 'auth.new-here' })} <button @click=${() => this.#switch('register')}>${msg('Register', { id: 'auth.register' })}</button>`
          : html`${msg('Already registered?', { id: 'auth.already-registered' })} <button @click=${() => this.#switch('login')}>${msg('Log in', { id: 'auth.log-in' })}</button>`}
      </p>
    `;
  }

  #loginForm() {
    return html`
      <form @submit=${this.#login}>
        ${this.#field('login', html`<input name="login" autocomplete="username" required />`)}
        ${this.#field('password', html`<input name="password" type="password" autocomplete="current-password" required />`)}
        <button type="submit" ?disabled=${this.busy}>${msg('Log in', { id: 'auth.log-in' })}</button>
      </form>
    `;
  }

  #registerForm() {
    return html`
      <form @submit=${this.#register} novalidate>
        ${this.#field('firstName', html`<input name="firstName" autocomplete="given-name" />`)}
        ${this.#field('lastName', html`<input name="lastName" autocomplete="family-name" />`)}
        ${this.#field('login', html`<input name="login" autocomplete="username" />`)}
        ${this.#field('password', html`<input name="password" type="password" autocomplete="new-password" />`)}
        ${this.#field('age', html`<input name="age" type="number" inputmode="numeric" min=${MIN_AGE} max=${MAX_AGE} />`)}
        ${this.#field(
          'gender',
          html`<select name="gender">
            <option value="">${msg('Choose…', { id: 'auth.choose' })}</option>
            ${genderChoices().map(({ gender, label }) => html`<option value=${gender}>${label}</option>`)}
          </select>`,
        )}
        <button type="submit" ?disabled=${this.busy}>${msg('Register', { id: 'auth.register' })}</button>
      </form>
    `;
  }

  /** A labelled control with its error beside it. */
  #field(name: Field, control: unknown) {
    const error = this.errors[name];
    return html`<label>${fieldName(name)} ${control} ${error ? html`<span class="error">${fieldError(name, this.codes[name], error)}</span>` : nothing}</label>`;
  }

  #switch(mode: 'login' | 'register'): void {
    this.mode = mode;
    this.errors = {};
    this.error = null;
  }

  async #login(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    await this.#attempt(() => api.login(String(form.get('login')), String(form.get('password'))));
  }

  async #register(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.target as HTMLFormElement));
    const registration = { ...form, age: form.age === '' ? undefined : Number(form.age) };
    await this.#attempt(async () => {
      await api.register(registration);
      return api.login(String(form.login), String(form.password));
    });
  }

  async #attempt(work: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.errors = {};
    this.error = null;
    try {
      const account = await work();
      this.dispatchEvent(new CustomEvent('logged-in', { detail: { account }, bubbles: true, composed: true }));
    } catch (error) {
      const { fields = {}, codes = {}, code, minutes } = error instanceof ApiError ? error : {};
      this.errors = fields;
      this.codes = codes;
      this.error =
        Object.keys(fields).length > 0
          ? () => msg('Please check the fields marked above.', { id: 'auth.check-fields' })
          : () => apiErrorText(code, (error as Error).message, minutes);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'auth-screen': AuthScreen;
  }
}
