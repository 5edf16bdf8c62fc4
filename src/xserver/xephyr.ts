import { describeXServer, singleServer, X_SERVER_HONOURS, type DisplayDriver } from './driver.js';
import { hardeningArgs } from './hardening.js';

/** Xephyr: a nested X server in a window on the user's display (Xephyr(1)); `--fullscreen` fills the screen. */
export const xephyr: DisplayDriver = {
  name: 'xephyr',
  binary: 'Xephyr',
  debianPackage: 'xserver-xephyr',
  requires: [{ binary: 'Xephyr', debianPackage: 'xserver-xephyr' }],
  fromImage: true,
  source: 'new',
  gives: 'x11',
  needs: { display: true },
  honours: { ...X_SERVER_HONOURS, fullscreen: true },
  visible: true,
  seamless: false,
  describe: describeXServer('xephyr'),
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
