import type { DisplayDriver } from './driver.js';

/**
 * `--hostdisplay`: no new server; the container gets the user's display (bad isolation: the plan
 * warns). The run layer gives the container its own cookie file for that display
 * (src/run/host-display.ts: an untrusted cookie where the server allows one).
 */
export const hostdisplay: DisplayDriver = {
  name: 'hostdisplay',
  requires: [],
  source: 'shared',
  gives: 'x11',
  needs: { display: true },
  // the container is a client of your own display: it shares your clipboard and keyboard
  honours: { size: false, fullscreen: false, keymap: false, clipboard: 'own', xtest: 'optional' },
  visible: true,
  seamless: true,
  describe: ({ display }) => `Sharing your display :${display} (--hostdisplay).`,
  launch: () => ({ files: [], processes: [], containerEnv: {}, containerMounts: [], x11: true }),
};
