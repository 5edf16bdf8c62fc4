import type { XServerDriver } from './driver.js';

/** `--hostdisplay`: no new server; the container gets the user's display (bad isolation). */
export const hostdisplay: XServerDriver = {
  name: 'hostdisplay',
  needsHostDisplay: true,
  sharesHostDisplay: true,
  visible: true,
  serverArgs: () => [],
};
