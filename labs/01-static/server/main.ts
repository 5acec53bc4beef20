import { join } from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, LAB_NAME, REPO_ROOT, lanAddresses, readConfig } from './config.ts';
import { startServer } from './server.ts';

dotenv.config({ path: join(REPO_ROOT, '.env'), quiet: true });

try {
  const config = readConfig(process.env, process.argv.slice(2));
  const server = await startServer(config);
  const [local, ...lan] = server.urls;
  console.log(`Chat Lab ${LAB_NAME} is running.`);
  console.log(`  Open      ${local}`);
  const virtual = new Map(lanAddresses().filter((lan) => lan.virtual).map((lan) => [`http://${lan.address}:${server.port}/`, lan.interface]));
  for (const url of lan) console.log(`  On LAN    ${url}${virtual.has(url) ? `   (virtual: ${virtual.get(url)}; other devices cannot use it)` : ''}`);
  console.log(`  Logs in   ${config.logDir}`);
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
