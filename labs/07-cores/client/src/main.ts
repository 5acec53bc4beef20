// The web client's entry: defining <chat-app> (and, through it, every component) starts the page.
import './components/chat-app.ts';
