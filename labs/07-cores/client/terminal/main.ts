import { TerminalChat } from './connection.ts';
import { display, parseTarget, useColours } from './lines.ts';
import { Screen } from './screen.ts';

// npm run lab:07:client -- <host>[:port]: the chat in a terminal, over the lab's plain TCP port.
const screen = new Screen(process.stdin, process.stdout);
const colours = useColours(process.stdout, process.env);

try {
  const target = parseTarget(process.argv[2]);
  const login = await screen.ask('login: ');
  const password = login === undefined ? undefined : await screen.ask('password: ', { hidden: true });
  if (login === undefined || password === undefined) {
    screen.close();
    process.exit(1);
  }
  const chat = new TerminalChat(target, { login: login.trim(), password });
  chat.on('line', (line) => {
    const text = display(line, colours);
    if (text) screen.print(text);
  });
  chat.on('status', (text) => screen.print(display({ kind: 'info', text }, colours)));
  chat.on('room', (room) => screen.setRoom(room));
  chat.on('end', (exitCode) => {
    screen.close();
    process.exit(exitCode);
  });
  chat.start();
  void screen.chat(
    (line) => chat.send(line),
    () => chat.leave(),
  );
} catch (error) {
  console.error(`Error: ${(error as Error).message}`);
  process.exit(1);
}
