import type { DisplayDriver } from './driver.js';

/** `--hostdisplay`: no new server; the container gets the user's display (bad isolation). */
export const hostdisplay: DisplayDriver = {
  name: 'hostdisplay',
  requires: [],
  needsHostDisplay: true,
  sharesHostDisplay: true,
  visible: true,
  seamless: true,
  launch: () => ({ files: [], processes: [], containerEnv: [], containerMounts: [], x11: true }),
};
