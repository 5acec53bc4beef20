import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { GENDERS, MAX_AGE, MIN_AGE, type FieldErrors } from '../../../shared/accounts.ts';
import { api, ApiError } from '../lib/api.ts';
import { controls } from './styles.ts';

type Field = keyof FieldErrors;

/**
 * Log in, or register then log in.
 *
 * @fires logged-in - `{ account }`: the person is logged in.
 */
@customElement('auth-screen')
export class AuthScreen extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; max-width: 28rem; margin: 0 auto; padding: 1.25rem; }
      h1 { font-size: 1.3rem; }
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
  @state() private errors: FieldErrors = {};
  @state() private error = '';
  @state() private busy = false;

  override render() {
    return html`
      <h1>Chat Lab 07 · ${this.mode === 'login' ? 'Log in' : 'Register'}</h1>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.mode === 'login' ? this.#loginForm() : this.#registerForm()}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="switch">
        ${this.mode === 'login'
          ? html`New here? <button @click=${() => this.#switch('register')}>Register</button>`
          : html`Already registered? <button @click=${() => this.#switch('login')}>Log in</button>`}
      </p>
    `;
  }

  #loginForm() {
    return html`
      <form @submit=${this.#login}>
        ${this.#field('login', 'Login', html`<input name="login" autocomplete="username" required />`)}
        ${this.#field('password', 'Password', html`<input name="password" type="password" autocomplete="current-password" required />`)}
        <button type="submit" ?disabled=${this.busy}>Log in</button>
      </form>
    `;
  }

  #registerForm() {
    return html`
      <form @submit=${this.#register} novalidate>
        ${this.#field('firstName', 'First name', html`<input name="firstName" autocomplete="given-name" />`)}
        ${this.#field('lastName', 'Last name', html`<input name="lastName" autocomplete="family-name" />`)}
        ${this.#field('login', 'Login', html`<input name="login" autocomplete="username" />`)}
        ${this.#field('password', 'Password', html`<input name="password" type="password" autocomplete="new-password" />`)}
        ${this.#field('age', 'Age', html`<input name="age" type="number" inputmode="numeric" min=${MIN_AGE} max=${MAX_AGE} />`)}
        ${this.#field(
          'gender',
          'Gender',
          html`<select name="gender">
            <option value="">Choose…</option>
            ${GENDERS.map((gender) => html`<option value=${gender}>${gender}</option>`)}
          </select>`,
        )}
        <button type="submit" ?disabled=${this.busy}>Register</button>
      </form>
    `;
  }

  /** A labelled control with its error beside it. */
  #field(name: Field, label: string, control: unknown) {
    const error = this.errors[name];
    return html`<label>${label} ${control} ${error ? html`<span class="error">${error}</span>` : nothing}</label>`;
  }

  #switch(mode: 'login' | 'register'): void {
    this.mode = mode;
    this.errors = {};
    this.error = '';
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
    this.error = '';
    try {
      const account = await work();
      this.dispatchEvent(new CustomEvent('logged-in', { detail: { account }, bubbles: true, composed: true }));
    } catch (error) {
      this.errors = error instanceof ApiError ? error.fields : {};
      this.error = Object.keys(this.errors).length > 0 ? 'Please check the fields marked above.' : (error as Error).message;
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
