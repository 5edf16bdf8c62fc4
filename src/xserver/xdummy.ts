import { join } from 'node:path';
import { describeXServer, singleServer, X_SERVER_HONOURS, type DisplayContext, type DisplayDriver } from './driver.js';
import { hardeningArgs } from './hardening.js';

/** The real Xorg binary (Debian's /usr/bin/Xorg is a wrapper that wants a console). */
export const XORG_BINARY = '/usr/lib/xorg/Xorg';

/**
 * An xorg.conf for the dummy video driver (xserver-xorg-video-dummy) with one virtual screen of
 * `size` and no input devices (an invisible server needs none; hot-plugging is off so the host's
 * keyboards and mice are never opened).
 * @param size screen size in pixels.
 */
export function dummyXorgConf(size: DisplayContext['size']): string {
  const { width, height } = size;
  // VideoRam in kB: enough for the screen at 32 bits per pixel, plus slack
  const videoRam = Math.max(16384, Math.ceil((width * height * 4 * 2) / 1024));
  return [
    'Section "ServerFlags"',
    '  Option "AutoAddDevices" "false"',
    '  Option "AutoEnableDevices" "false"',
    '  Option "AutoAddGPU" "false"',
    '  Option "DontVTSwitch" "true"',
    'EndSection',
    'Section "Device"',
    '  Identifier "dummy"',
    '  Driver "dummy"',
    `  VideoRam ${videoRam}`,
    'EndSection',
    'Section "Monitor"',
    '  Identifier "monitor"',
    '  HorizSync 5.0-1000.0',
    '  VertRefresh 5.0-200.0',
    'EndSection',
    'Section "Screen"',
    '  Identifier "screen"',
    '  Device "dummy"',
    '  Monitor "monitor"',
    '  DefaultDepth 24',
    '  SubSection "Display"',
    '    Depth 24',
    `    Virtual ${width} ${height}`,
    'EndSubSection',
    'EndSection',
    '',
  ].join('\n');
}

/**
 * `--xdummy`: Xorg with the dummy video driver, invisible (like Xvfb, but a full Xorg with RandR
 * and its driver stack). Runs unprivileged from the real Xorg binary with a generated config in
 * the session folder, its log there too, no VT (`-novtswitch -sharevts`), and readiness via
 * `-displayfd`.
 */
export const xdummy: DisplayDriver = {
  name: 'xdummy',
  binary: XORG_BINARY,
  debianPackage: 'xserver-xorg-video-dummy',
  requires: [
    { binary: XORG_BINARY, debianPackage: 'xserver-xorg-core' },
    { binary: '/usr/lib/xorg/modules/drivers/dummy_drv.so', debianPackage: 'xserver-xorg-video-dummy' },
  ],
  source: 'new',
  gives: 'x11',
  needs: {},
  honours: X_SERVER_HONOURS,
  visible: false,
  seamless: false,
  describe: describeXServer('xdummy'),
  launch: (ctx) => {
    const conf = join(ctx.sessionDir, 'xorg.dummy.conf');
    const launch = singleServer(
      {
        binary: XORG_BINARY,
        args: [
          ...hardeningArgs(ctx),
          '-config', conf,
          '-configdir', join(ctx.sessionDir, 'xorg.conf.d'),
          '-logfile', join(ctx.sessionDir, 'Xorg.log'),
          '-novtswitch', '-sharevts',
        ],
        ready: { kind: 'displayfd' },
      },
      ctx,
    );
    return { ...launch, files: [{ path: conf, content: dummyXorgConf(ctx.size) }] };
  },
};

/** Upstream's set-up advice for `--xorg` from within X or as non-root, in our words. */
export const XORG_ADVICE =
  'Core Xorg on a new virtual terminal needs permission to start Xorg: run x11docker as root, or install xserver-xorg-legacy and ' +
  'set "allowed_users=anybody" and "needs_root_rights=yes" in /etc/X11/Xwrapper.config; switch terminals with [CTRL][ALT][F1]...[F12]. ' +
  'Without a console (a container, SSH, a headless machine) use --xdummy or --xvfb.';

/**
 * `--xorg`: core Xorg on a new virtual terminal (`vtN`), as upstream. It only runs from a console
 * with permission to open a VT; elsewhere the plan refuses it with {@link XORG_ADVICE}.
 */
export const xorg: DisplayDriver = {
  name: 'xorg',
  binary: 'Xorg',
  debianPackage: 'xserver-xorg-core',
  requires: [{ binary: 'Xorg', debianPackage: 'xserver-xorg-core' }],
  source: 'new',
  gives: 'x11',
  needs: { consoleRoot: true },
  // --vt: its virtual terminal (upstream's --scale and --rotate with xrandr are not done here)
  honours: { ...X_SERVER_HONOURS, size: false, screen: { vt: true } },
  visible: true,
  seamless: false,
  describe: describeXServer('xorg'),
  advice: XORG_ADVICE,
  launch: (ctx) =>
    singleServer(
      { binary: 'Xorg', args: [...hardeningArgs(ctx), `vt${ctx.vt ?? 8}`, '-keeptty', '-novtswitch', '-logfile', join(ctx.sessionDir, 'Xorg.log')], ready: { kind: 'displayfd' } },
      ctx,
    ),
};
