import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, LAB_NAME, REPO_ROOT, joinUrls, lanAddresses, readConfig } from '../server/config.ts';

describe('07 cores: config', () => {
  it('defaults to 127.0.0.1:3000 (and 3001 for TCP), logs/<lab>/ and data/<lab>/ at the repo root, and no gate', () => {
    assert.deepEqual(readConfig({}, []), {
      port: 3000,
      tcpPort: 3001,
      host: '127.0.0.1',
      logDir: join(REPO_ROOT, 'logs', LAB_NAME),
      dataDir: join(REPO_ROOT, 'data', LAB_NAME),
      gate: 0,
      rateLimit: 20,
      stunPort: 3000,
      workers: availableParallelism(),
    });
    assert.equal(LAB_NAME, '07-cores');
  });

  it('reads PORT, HOST, LOG_DIR and DATA_DIR (relative to where npm runs) and GATE', () => {
    const config = readConfig({ PORT: '4000', HOST: '::1', LOG_DIR: 'my-logs', DATA_DIR: 'my-data', GATE: '3' }, [], '/somewhere');
    assert.deepEqual(config, { port: 4000, tcpPort: 4001, host: '::1', logDir: '/somewhere/my-logs', dataDir: '/somewhere/my-data', gate: 3, rateLimit: 20, stunPort: 4000, workers: availableParallelism() });
  });

  it('starts one worker process per core, or as many as --workers or WORKERS say, and refuses 0, negatives and what is not a number', () => {
    assert.equal(readConfig({}, ['--workers', '3']).workers, 3);
    assert.equal(readConfig({ WORKERS: '2' }, ['--workers', '4']).workers, 4);
    assert.equal(readConfig({ WORKERS: ' 2 ' }, []).workers, 2);
    for (const workers of ['0', '-1', '1.5', 'many', '65']) {
      assert.throws(
        () => readConfig({ WORKERS: workers }, []),
        (error: Error) => error instanceof ConfigError && error.message === `The number of workers (--workers or WORKERS) must be a whole number of processes from 1 to 64, not "${workers}".`,
        workers,
      );
    }
  });

  it('answers STUN on the HTTP port number, on STUN_PORT, or not at all with STUN_PORT=off', () => {
    assert.equal(readConfig({}, ['--port', '4100']).stunPort, 4100);
    assert.equal(readConfig({ PORT: '4000', STUN_PORT: '3478' }, []).stunPort, 3478);
    assert.equal(readConfig({ STUN_PORT: 'off' }, []).stunPort, null);
    assert.throws(() => readConfig({ STUN_PORT: 'yes' }, []), /STUN_PORT must be a whole number from 0 to 65535, not "yes"/);
  });

  it('reads RATE_LIMIT, frames a second per person, and refuses what is not a whole number from 1 to 1000000', () => {
    assert.equal(readConfig({ RATE_LIMIT: '50' }, []).rateLimit, 50);
    assert.equal(readConfig({ RATE_LIMIT: ' 1000000 ' }, []).rateLimit, 1_000_000);
    for (const RATE_LIMIT of ['0', '-5', '2.5', 'fast', '1e6', '1000001']) {
      assert.throws(
        () => readConfig({ RATE_LIMIT }, []),
        (error: Error) => error instanceof ConfigError && error.message === `RATE_LIMIT must be a whole number of frames a second per person, from 1 to 1000000, not "${RATE_LIMIT}".`,
        RATE_LIMIT,
      );
    }
  });

  it('takes the TCP port from --tcp-port or TCP_PORT, else the HTTP port + 1, or any free one with PORT=0', () => {
    assert.equal(readConfig({ TCP_PORT: '7000' }, ['--tcp-port', '7001']).tcpPort, 7001);
    assert.equal(readConfig({ PORT: '5000', TCP_PORT: '7000' }, []).tcpPort, 7000);
    assert.equal(readConfig({ PORT: '5000' }, []).tcpPort, 5001);
    assert.equal(readConfig({ PORT: '0' }, []).tcpPort, 0);
    assert.throws(() => readConfig({ TCP_PORT: 'telnet' }, []), (error: Error) => error instanceof ConfigError && error.message === 'TCP_PORT must be a whole number from 0 to 65535, not "telnet".');
  });

  it('takes the gate from -n or --gate', () => {
    assert.equal(readConfig({ GATE: '9' }, ['-n', '3']).gate, 3);
    assert.equal(readConfig({}, ['--gate', '4']).gate, 4);
    assert.equal(readConfig({}, ['--gate=5']).gate, 5);
  });

  it('takes an empty value as unset, as in a .env line `PORT=`', () => {
    assert.deepEqual(readConfig({ PORT: '', TCP_PORT: '', HOST: '', LOG_DIR: '', DATA_DIR: '', GATE: '', RATE_LIMIT: '', STUN_PORT: '' }, []), readConfig({}, []));
  });

  it('lets flags win: --host listens everywhere, --port picks the port', () => {
    const config = readConfig({ PORT: '4000', HOST: '127.0.0.1' }, ['--host', '--port', '0']);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 0);
  });

  it('refuses a bad port or an unknown flag with a message that says what to do', () => {
    for (const PORT of ['abc', '-1', '70000', '3.5']) {
      assert.throws(() => readConfig({ PORT }, []), (error: Error) => error instanceof ConfigError && error.message.includes('PORT must be'));
    }
    for (const flags of [['-n', 'three'], ['--gate=-1'], ['-n', '2.5'], ['--gate', '10001']]) {
      assert.throws(() => readConfig({}, flags), /The gate \(-n, --gate or GATE\) must be a whole number of users/, flags.join(' '));
    }
    assert.throws(() => readConfig({}, ['--hots']), (error: Error) => error instanceof ConfigError && /usage: npm run lab:07/.test(error.message));
  });

  it('lists this computer first, then every LAN address, when listening everywhere', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
      wlan0: [{ address: '10.0.0.7', family: 'IPv4', internal: false }],
    } as unknown as Parameters<typeof joinUrls>[2];
    assert.deepEqual(joinUrls('0.0.0.0', 3000, interfaces), ['http://localhost:3000/', 'http://192.168.1.20:3000/', 'http://10.0.0.7:3000/']);
    assert.deepEqual(joinUrls('127.0.0.1', 3000, interfaces), ['http://127.0.0.1:3000/']);
    assert.deepEqual(joinUrls('::1', 3000, interfaces), ['http://[::1]:3000/']);
  });

  it('lists the likeliest LAN address first, and Docker, VPN and virtual-machine ones last, marked', () => {
    const ipv4 = (address: string) => [{ address, family: 'IPv4', internal: false }];
    const interfaces = {
      docker0: ipv4('172.17.0.1'),
      tailscale0: ipv4('100.101.102.103'),
      enp3s0: ipv4('172.20.5.9'),
      wlp2s0: ipv4('192.168.0.12'),
      vboxnet0: ipv4('192.168.56.1'),
      eth1: ipv4('10.8.0.3'),
    } as unknown as Parameters<typeof lanAddresses>[0];
    assert.deepEqual(
      lanAddresses(interfaces).map(({ address, interface: name, virtual }) => `${address} ${name}${virtual ? ' virtual' : ''}`),
      ['192.168.0.12 wlp2s0', '10.8.0.3 eth1', '172.20.5.9 enp3s0', '192.168.56.1 vboxnet0 virtual', '172.17.0.1 docker0 virtual', '100.101.102.103 tailscale0 virtual'],
    );
    assert.equal(joinUrls('0.0.0.0', 3000, interfaces)[1], 'http://192.168.0.12:3000/');
  });
});
