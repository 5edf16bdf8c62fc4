import { hardeningArgs, singleServer, type DisplayDriver } from './driver.js';

/** Xvfb: an invisible X server in memory (Xvfb(1)). */
export const xvfb: DisplayDriver = {
  name: 'xvfb',
  binary: 'Xvfb',
  debianPackage: 'xvfb',
  requires: [{ binary: 'Xvfb', debianPackage: 'xvfb' }],
  needsHostDisplay: false,
  sharesHostDisplay: false,
  visible: false,
  seamless: false,
  launch: (ctx) =>
    singleServer({ binary: 'Xvfb', args: [...hardeningArgs(ctx), '-screen', '0', `${ctx.size.width}x${ctx.size.height}x24`], ready: { kind: 'displayfd' } }, ctx),
};
