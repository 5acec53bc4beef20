import { join, relative } from 'node:path';
import dotenv from 'dotenv';
import { renderUnicodeCompact } from 'uqr';
import { buildClientIfStale } from './client-build.ts';
import { ConfigError, LAB_NAME, LAB_SCRIPT, REPO_ROOT, lanAddresses, readConfig } from './config.ts';
import { startCluster } from './cluster/primary.ts';

dotenv.config({ path: join(REPO_ROOT, '.env'), quiet: true });

try {
  const config = readConfig(process.env, process.argv.slice(2));
  await buildClientIfStale();
  const server = await startCluster(config, {
    onRestart: (id, reason) => console.log(`Worker ${id} died (${reason}): its people left the chat; a new worker takes its place.`),
    onReplaced: (id, pid) => console.log(`Worker ${id} (pid ${pid}) is ready.`),
  });
  server.primary.sequencer.on('log-error', (error) => console.error(`Could not write the log: ${error.message}`));
  const [local, ...lan] = server.urls;
  console.log(`Chat Lab ${LAB_NAME} is running.`);
  console.log(`  Open      ${local}`);
  console.log(`  Terminal  ${joinCommand(local!, server.tcpPort)}   or   ${LAB_SCRIPT}:client -- ${new URL(local!).hostname}:${server.tcpPort}`);
  const virtual = new Map(lanAddresses().filter((lan) => lan.virtual).map((lan) => [`http://${lan.address}:${server.port}/`, lan.interface]));
  for (const url of lan) console.log(`  On LAN    ${url}   ${joinCommand(url, server.tcpPort)}${virtual.has(url) ? `   (virtual: ${virtual.get(url)}; other devices cannot use it)` : ''}`);
  const phones = lan.find((url) => !virtual.has(url));
  if (phones) console.log(`  Phones can scan this to open ${phones}:\n${renderUnicodeCompact(phones, { border: 1 }).replace(/^/gm, '    ')}`);
  const workers = [...server.pids()].map(([id, pid]) => `${id} (pid ${pid})`).join(', ');
  console.log(`  Workers   ${config.workers} process${config.workers === 1 ? '' : 'es'}: ${workers}; the primary, which runs the chat, is pid ${process.pid}`);
  console.log(`  Log       ${shortPath(await server.primary.logPath)}`);
  console.log(`  Accounts  ${shortPath(config.dataDir)}`);
  if (server.stunPort !== null) console.log(`  STUN      UDP port ${server.stunPort}, where browsers learn their address for private messages`);
  if (config.gate > 0) console.log(`  Gate      nobody sees a message until ${config.gate} users are connected`);
  console.log('  Ctrl-C stops it.');

  const stop = async () => {
    await server.close();
    console.log('\nStopped; logs are written.');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exit(1);
}

/** `nc 192.168.1.20 3001`: how a terminal joins the server that `url` opens in a browser. */
function joinCommand(url: string, tcpPort: number): string {
  return `nc ${new URL(url).hostname.replace(/^\[|\]$/g, '')} ${tcpPort}`;
}

/** A path relative to where npm runs, when it is inside it. */
function shortPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside;
}
