// The web client's entry: first the language (the person's choice, else the browser's), then
// <chat-app>, whose definition (and, through it, every component's) starts the page.
import { startLocale } from './i18n/page-locale.ts';

await startLocale();
await import('./components/chat-app.ts');
