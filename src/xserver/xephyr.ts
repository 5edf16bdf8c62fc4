import { hardeningArgs, singleServer, type DisplayDriver } from './driver.js';

/** Xephyr: a nested X server in a window on the user's display (Xephyr(1)); `--fullscreen` fills the screen. */
export const xephyr: DisplayDriver = {
  name: 'xephyr',
  binary: 'Xephyr',
  debianPackage: 'xserver-xephyr',
  requires: [{ binary: 'Xephyr', debianPackage: 'xserver-xephyr' }],
  needsHostDisplay: true,
  sharesHostDisplay: false,
  visible: true,
  seamless: false,
  launch: (ctx) =>
    singleServer(
      {
        binary: 'Xephyr',
        connectsTo: 'host',
        args: [
          ...hardeningArgs(ctx),
          '-screen', `${ctx.size.width}x${ctx.size.height}`,
          '-resizeable',
          '-title', ctx.title,
          ...(ctx.fullscreen ? ['-fullscreen'] : []),
        ],
        ready: { kind: 'displayfd' },
      },
      ctx,
    ),
};
