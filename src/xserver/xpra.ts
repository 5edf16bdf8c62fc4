import { join } from 'node:path';
import { describeXServer, hardeningArgs, type DisplayDriver, type DisplayContext, type ProcessSpec } from './driver.js';

/**
 * Features of xpra 3.x that a session does not need, turned off on server and client: each is
 * a way for the container to reach the host (sound, printing, files, notifications, dbus,
 * webcam, mDNS announcements) or a slow start-up step.
 */
const XPRA_OFF = [
  '--mdns=no', '--notifications=no', '--webcam=no', '--printing=no', '--file-transfer=no', '--open-files=no',
  '--speaker=off', '--microphone=off', '--opengl=no',
];

/**
 * Debian's /etc/xpra/conf.d/60_server.conf makes every xpra server run `/etc/X11/Xsession true`,
 * and a command-line `--start=` cannot remove that list entry. Debian's Xsession looks the
 * program up with `command -v`, gets the shell builtin name `true`, and then tests `-e true`
 * relative to its working directory; started in /usr/bin, that test passes and the session
 * script just runs `true` instead of showing an "unable to launch" message box on the display.
 */
const XPRA_SERVER_CWD = '/usr/bin';

/**
 * HOME of the xpra server and client: the session folder. xpra 3.1 writes its fake-Xinerama
 * file (`~/.:N-fakexinerama`) and Debian's Xsession its `~/.xsession-errors` into HOME, and the
 * client its per-user files under `~/.xpra` and `~/.config/xpra`; in the session folder they are
 * private (mode 0700) and go away with the session instead of piling up in the host user's HOME.
 * (They run with x11docker's small base environment, without XDG_* variables.)
 */
function xpraEnv(ctx: Pick<DisplayContext, 'sessionDir'>): Record<string, string> {
  return { HOME: ctx.sessionDir };
}

/**
 * The xpra server's socket folder inside the session folder (mode 0700, so only the host user
 * can attach: xpra's unix-socket access control is the file system's).
 */
export function xpraSocketDir(ctx: Pick<DisplayContext, 'sessionDir'>): string {
  return join(ctx.sessionDir, 'xpra');
}

/**
 * `--xpra`: as upstream x11docker, an Xvfb holds the new display; an xpra server attaches to it
 * (`--use-display`), and an xpra client on the user's display shows each application window as
 * a window of its own (seamless), or the whole screen in one window with `--desktop`
 * (`start-desktop`). Closing the client window of a desktop, or the client itself, ends the
 * session. XTEST stays enabled on this Xvfb: the xpra server injects keyboard and mouse input
 * with it (the container can use it too; upstream has the same trade-off). MIT-SHM stays off.
 */
export const xpra: DisplayDriver = {
  name: 'xpra',
  binary: 'xpra',
  debianPackage: 'xpra',
  requires: [{ binary: 'xpra', debianPackage: 'xpra' }, { binary: 'Xvfb', debianPackage: 'xvfb' }],
  source: 'new',
  gives: 'x11',
  needs: { display: true },
  // the xpra server injects keyboard and mouse input with XTEST; the client sets the server's keymap
  honours: { size: true, fullscreen: true, keymap: true, clipboard: 'own', xtest: 'always' },
  visible: true,
  seamless: true,
  describe: describeXServer('xpra'),
  launch: (ctx) => {
    const sockets = xpraSocketDir(ctx);
    const clipboard = `--clipboard=${ctx.clipboard ? 'yes' : 'no'}`;
    const xvfbArgs = hardeningArgs(ctx).filter((a, i, all) => !(a === 'XTEST' || (a === '-extension' && all[i + 1] === 'XTEST')));
    const processes: ProcessSpec[] = [
      {
        role: 'X server', binary: 'Xvfb', connectsTo: 'none', essential: true, ownsDisplay: true,
        args: [...xvfbArgs, '-screen', '0', `${ctx.size.width}x${ctx.size.height}x24`, '+extension', 'RANDR'],
        ready: { kind: 'displayfd' },
      },
      {
        role: 'xpra server', binary: 'xpra', connectsTo: 'new', essential: true, cwd: XPRA_SERVER_CWD, env: xpraEnv(ctx),
        args: [
          ctx.desktop ? 'start-desktop' : 'start', `:${ctx.display}`,
          '--use-display=yes', '--daemon=no', `--socket-dirs=${sockets}`, `--socket-dir=${sockets}`, `--bind=${join(sockets, 'socket')}`,
          '--start=', '--start-child=', '--start-via-proxy=no', '--systemd-run=no', '--dbus-launch=', '--dbus-proxy=no', '--dbus-control=no',
          '--pulseaudio=no', '--html=off', '--xsettings=no', '--exit-with-client=no', '--sharing=no', clipboard,
          ...XPRA_OFF,
        ],
        ready: { kind: 'line', pattern: /xpra is ready/ },
      },
      {
        role: 'xpra client', binary: 'xpra', connectsTo: 'host', essential: true, env: xpraEnv(ctx),
        args: [
          'attach', `socket:${join(sockets, 'socket')}`, `--socket-dirs=${sockets}`,
          '--tray=no', '--title=@title@', clipboard,
          ...(ctx.desktop && ctx.fullscreen ? ['--desktop-fullscreen=yes'] : []),
          ...XPRA_OFF,
        ],
        ready: { kind: 'line', pattern: /Attached to/ },
      },
    ];
    return { files: [], processes, containerEnv: {}, containerMounts: [], x11: true };
  },
};
