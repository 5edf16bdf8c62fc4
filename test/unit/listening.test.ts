// The procfs reader that --html uses to prove that a port or socket path belongs to the helper it
// started (src/run/listening.ts): kernel table lines parsed, and this test process's own real
// listeners found by pid while a listener of another process on the machine is not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { addressMatches, listenersOf, parseProcNetTcp, parseProcNetUnix } from '../../src/run/listening.js';

const listen = (srv: Server, ...args: unknown[]) => new Promise<void>((resolve, reject) => {
  srv.once('error', reject);
  (srv.listen as (...a: unknown[]) => void)(...args, () => resolve());
});

describe('procfs listeners', () => {
  test('parses LISTEN lines of /proc/net/tcp and tcp6, skips other states', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:17C0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4543210 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:9C40 0100007F:17C0 01 00000000:00000000 00:00000000 00000000     0        0 4543211 1 0000000000000000 20 4 30 10 -1',
      '   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp), [
      { address: '127.0.0.1', port: 6080, inode: '4543210' },
      { address: '0.0.0.0', port: 8080, inode: '77' },
    ]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:17C0 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000000000000000000000000000:170C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 98 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(tcp6), [
      { address: '::1', port: 6080, inode: '99' },
      { address: '::', port: 5900, inode: '98' },
    ]);
  });

  test('parses listening stream sockets of /proc/net/unix', () => {
    const unix = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      '0000000000000000: 00000002 00000000 00010000 0001 01 4660578 /home/a b/.cache/x11docker/s/vnc.sock',
      '0000000000000000: 00000003 00000000 00000000 0001 03 4660579 /home/a/.cache/x11docker/s/vnc.sock',
      '0000000000000000: 00000002 00000000 00010000 0001 01 4660580',
    ].join('\n');
    assert.deepEqual(parseProcNetUnix(unix), [{ inode: '4660578', path: '/home/a b/.cache/x11docker/s/vnc.sock' }]);
  });

  test('addresses match the bind host', () => {
    assert.ok(addressMatches('127.0.0.1', '127.0.0.1'));
    assert.ok(!addressMatches('0.0.0.0', '127.0.0.1'));
    assert.ok(addressMatches('::1', '0:0:0:0:0:0:0:1'));
    assert.ok(addressMatches('::1', 'localhost') && addressMatches('127.0.0.1', 'localhost'));
    assert.ok(!addressMatches('10.0.0.1', 'localhost'));
  });

  test("finds this process's own TCP and UNIX listeners, and not another process's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-listening-'));
    const tcp = createServer();
    const unix = createServer();
    const other = execa('python3', ['-c', 'import socket,sys,time\ns=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)'], { reject: false });
    try {
      await listen(tcp, 0, '127.0.0.1');
      await listen(unix, join(dir, 'test.sock'));
      const port = (tcp.address() as { port: number }).port;
      const otherPort = await new Promise<number>((resolve) => other.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      const mine = listenersOf(process.pid);
      assert.ok(mine.tcp.some((s) => s.address === '127.0.0.1' && s.port === port), JSON.stringify(mine));
      assert.ok(mine.unix.some((s) => s.path === join(dir, 'test.sock')), JSON.stringify(mine));
      assert.ok(!mine.tcp.some((s) => s.port === otherPort), 'a port of another process is not ours');
      assert.ok(listenersOf(other.pid!).tcp.some((s) => s.port === otherPort));
      assert.deepEqual(listenersOf(2 ** 22 + 1), { tcp: [], unix: [] }, 'no such process');
    } finally {
      other.kill();
      await other;
      tcp.close();
      unix.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
