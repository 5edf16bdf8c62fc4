import { describeXServer, singleServer, X_SERVER_HONOURS, type DisplayDriver } from './driver.js';
import { hardeningArgs } from './hardening.js';

/** Xvfb: an invisible X server in memory (Xvfb(1)). */
export const xvfb: DisplayDriver = {
  name: 'xvfb',
  binary: 'Xvfb',
  debianPackage: 'xvfb',
  requires: [{ binary: 'Xvfb', debianPackage: 'xvfb' }],
  fromImage: true,
  source: 'new',
  gives: 'x11',
  needs: {},
  honours: X_SERVER_HONOURS,
  visible: false,
  seamless: false,
  describe: describeXServer('xvfb'),
  launch: (ctx) =>
    singleServer({ binary: 'Xvfb', args: [...hardeningArgs(ctx), '-screen', '0', `${ctx.size.width}x${ctx.size.height}x24`], ready: { kind: 'displayfd' } }, ctx),
};
