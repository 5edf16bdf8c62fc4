import { hardeningArgs, type XServerDriver } from './driver.js';

/** Xvfb: an invisible X server in memory (Xvfb(1)). */
export const xvfb: XServerDriver = {
  name: 'xvfb',
  binary: 'Xvfb',
  debianPackage: 'xvfb',
  needsHostDisplay: false,
  sharesHostDisplay: false,
  visible: false,
  serverArgs: (ctx) => [...hardeningArgs(ctx), '-screen', '0', `${ctx.size.width}x${ctx.size.height}x24`],
};
