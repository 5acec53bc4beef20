import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { checkHost } from '../server/realtime/host-check.ts';

describe('07 cores: host check', () => {
  it('accepts IP addresses, localhost and this computer\'s name, with or without a port, in any case', () => {
    const own = ['127.0.0.1:3000', '127.0.0.1', '192.168.1.20:3000', '0.0.0.0:3000', '[::1]:3000', '[::1]', '[fe80::1]:3000', 'localhost:3000', 'LocalHost', 'lab-pc:3000', 'LAB-PC.local:3000', 'lab-pc.LOCAL'];
    for (const host of own) assert.deepEqual(checkHost(host, 'lab-pc'), { ok: true }, host);
  });

  it('refuses any other name, which someone else\'s DNS may point at this server (DNS rebinding)', () => {
    const foreign = ['evil.example:3000', 'evil.example', 'localhost.evil.example:3000', '127.0.0.1.evil.example', 'lab-pc.evil.example', 'other-pc.local:3000', 'lab-pc.local.:3000', '127.1:3000'];
    for (const host of foreign) {
      const check = checkHost(host, 'lab-pc');
      assert.equal(check.ok, false, host);
      assert.match(!check.ok ? check.reason : '', new RegExp(`^Host ${host.split(':')[0]!.replace(/\./g, '\\.')} is not this server: open it by its address`), host);
    }
  });

  it('refuses a missing or malformed Host', () => {
    for (const host of [undefined, '', ' 127.0.0.1', '127.0.0.1:', '127.0.0.1:3000:1', 'user@127.0.0.1', '127.0.0.1/x', '[::1', '[1.2.3.4]:3000', '[fe80::1%eth0]']) {
      const check = checkHost(host, 'lab-pc');
      assert.equal(check.ok, false, String(host));
      assert.ok(!check.ok && check.reason.length > 20);
    }
  });

  it('knows this computer\'s own name by default', () => {
    assert.equal(checkHost(`${hostname()}:3000`).ok, true);
    assert.equal(checkHost(`${hostname().toUpperCase()}.local`).ok, true);
  });
});
