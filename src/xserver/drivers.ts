import type { XServerName } from '../options/table.js';
import type { DisplayDriver } from './driver.js';
import { hostdisplay } from './hostdisplay.js';
import { nothing } from './nothing.js';
import { nxagent } from './nxagent.js';
import { waylandDrivers } from './wayland.js';
import { xdummy, xorg } from './xdummy.js';
import { xephyr } from './xephyr.js';
import { xpra, xpra2 } from './xpra.js';
import { xvfb } from './xvfb.js';

/** Every display driver, by option name (one per display option of the option table). */
export const xserverDrivers: Readonly<Record<XServerName, DisplayDriver>> = {
  xpra,
  xpra2,
  nxagent,
  xephyr,
  xvfb,
  xdummy,
  xorg,
  hostdisplay,
  nothing,
  ...waylandDrivers,
};
