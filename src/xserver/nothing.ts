import type { DisplayDriver } from './driver.js';

/** `--nothing`: neither an X server nor a Wayland compositor; the container gets no display at all. */
export const nothing: DisplayDriver = {
  name: 'nothing',
  requires: [],
  needsHostDisplay: false,
  sharesHostDisplay: false,
  visible: false,
  seamless: false,
  launch: () => ({ files: [], processes: [], containerEnv: [], containerMounts: [], x11: false }),
};
