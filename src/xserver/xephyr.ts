import { hardeningArgs, type XServerDriver } from './driver.js';

/** Xephyr: a nested X server in a window on the user's display (Xephyr(1)). */
export const xephyr: XServerDriver = {
  name: 'xephyr',
  binary: 'Xephyr',
  debianPackage: 'xserver-xephyr',
  needsHostDisplay: true,
  sharesHostDisplay: false,
  visible: true,
  serverArgs: (ctx) => [
    ...hardeningArgs(ctx),
    '-screen', `${ctx.size.width}x${ctx.size.height}`,
    '-resizeable',
    '-title', ctx.title,
  ],
};
