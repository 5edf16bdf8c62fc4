import type { DisplayDriver } from './driver.js';

/**
 * `--nothing`: neither an X server nor a Wayland compositor; the container gets no display at all
 * (no socket, no cookie, no DISPLAY). A null driver: the session runs it like any other.
 */
export const nothing: DisplayDriver = {
  name: 'nothing',
  requires: [],
  source: 'none',
  gives: 'none',
  needs: {},
  honours: { size: false, fullscreen: false, keymap: false, clipboard: 'none', xtest: 'optional' },
  visible: false,
  seamless: false,
  describe: () => 'No display is running (--nothing).',
  launch: () => ({ files: [], processes: [], containerEnv: {}, containerMounts: [], x11: false }),
};
