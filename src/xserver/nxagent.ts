import { join } from 'node:path';
import { describeXServer, type DisplayDriver } from './driver.js';
import { hardeningArgs } from './hardening.js';

/**
 * `--nxagent`: nxagent (NX) as a seamless server (`-R`, rootless: each window on the user's
 * desktop) or in one window with `--desktop` (`-D`). nxagent has no `-displayfd`: readiness is a
 * real X11 connection set-up with the session cookie. It writes its own lock file. Its NX
 * options (clipboard on or off, `keyboard=clone` (the user's keyboard layout, which nxagent copies
 * from their display), the desktop's `geometry=WxH` from `--size`, or `fullscreen=1`)
 * come from an options file in the session folder, as upstream x11docker does. nxagent 3.5.99
 * honours that geometry only when the user's display has a window manager: without one (a bare
 * Xvfb, a kiosk) it forces its fullscreen mode and makes its window 3/4 of the user's screen
 * (Screen.c, "Forcing fullscreen mode with no window manager running"). It follows a resize of
 * its window, though, so a desktop asks the starter to size its window to `--size` after start
 * (`hostWindow`; a no-op when a window manager placed it at that size already). MIT-SHM and XTEST
 * are off; nxagent forwards input itself.
 */
export const nxagent: DisplayDriver = {
  name: 'nxagent',
  binary: 'nxagent',
  debianPackage: 'nxagent',
  requires: [{ binary: 'nxagent', debianPackage: 'nxagent' }],
  fromImage: true,
  source: 'new',
  gives: 'x11',
  needs: { display: true, localDisplay: true },
  // nxagent takes its keyboard layout from your display and refuses setxkbmap
  honours: { size: true, fullscreen: true, keymap: false, clipboard: 'own', xtest: 'optional' },
  // nxagent authenticates to the user's display with the -auth file (upstream x11docker adds the
  // host cookie there too); XAUTHORITY is not read for that connection
  hostCookieInServerAuth: true,
  // measured with nxagent 3.5.99.26 and Mesa 22.3 (glxinfo -B); nx-libs issue #76
  glxUnusable:
    "nxagent's GLX extension is version 1.2, on which Mesa's libGL fails (X error GLXUnsupportedPrivateRequest): OpenGL applications do not start on it",
  visible: true,
  seamless: true,
  describe: describeXServer('nxagent'),
  launch: (ctx) => {
    const optionsFile = join(ctx.sessionDir, 'nxagent.options');
    const nxOptions = [
      `clipboard=${ctx.clipboard ? 'both' : 'none'}`,
      // the user's keyboard layout, copied by nxagent from their display (upstream's default)
      'keyboard=clone',
      ...(ctx.desktop ? [ctx.fullscreen ? 'fullscreen=1' : `geometry=${ctx.size.width}x${ctx.size.height}`] : []),
    ];
    return {
      files: [{ path: optionsFile, content: `nx/nx,${nxOptions.join(',')}:${ctx.display}\n` }],
      processes: [
        {
          role: 'X server', binary: 'nxagent', connectsTo: 'host', essential: true, ownsDisplay: true,
          args: [
            // --xoverip: nxagent has no -listen; it listens on TCP unless told not to (as upstream)
            ...hardeningArgs(ctx).filter((a, i, all) => !(a === '-listen' && all[i + 1] === 'tcp') && !(a === 'tcp' && all[i - 1] === '-listen')),
            ctx.desktop ? '-D' : '-R',
            '-options', optionsFile,
            '-noshmem', '-nokbreset', '-norootlessexit',
            '-name', ctx.title,
          ],
          // nxagent compiles its keymap to a relative path: run it where it may write
          cwd: ctx.sessionDir,
          ready: { kind: 'x11' },
        },
      ],
      containerEnv: {},
      containerMounts: [],
      x11: true,
      ...(ctx.desktop && !ctx.fullscreen ? { hostWindow: { title: ctx.title, ...ctx.size } } : {}),
    };
  },
};
