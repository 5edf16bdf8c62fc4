import type { DisplayDriver, Requirement } from './driver.js';
import type { XServerName } from '../options/table.js';

/**
 * Display options that need Weston, KWin or a Wayland session. They are in the option table and
 * the automatic choice; their drivers come from the Wayland work (issue 3, Wayland half) and
 * replace these entries in src/xserver/drivers.ts. Until then the plan refuses them with
 * `notImplemented`.
 */
function pending(name: XServerName, requires: Requirement[], opts: { x11: boolean; seamless: boolean; needsHostDisplay?: boolean }): DisplayDriver {
  return {
    name,
    binary: requires[0]?.binary,
    debianPackage: requires[0]?.debianPackage,
    requires,
    needsHostDisplay: opts.needsHostDisplay ?? false,
    sharesHostDisplay: false,
    visible: true,
    seamless: opts.seamless,
    notImplemented: `--${name} is not implemented yet. Use --xpra, --nxagent, --xephyr, --xvfb or --xdummy.`,
    launch: () => ({ files: [], processes: [], containerEnv: [], containerMounts: [], x11: opts.x11 }),
  };
}

const weston: Requirement = { binary: 'weston', debianPackage: 'weston' };
const kwin: Requirement = { binary: 'kwin_wayland', debianPackage: 'kwin-wayland' };
const xwayland: Requirement = { binary: 'Xwayland', debianPackage: 'xwayland' };

/** Drivers for the Wayland-based options, refused as not implemented yet. */
export const waylandPending = {
  xwayland: pending('xwayland', [xwayland], { x11: true, seamless: false }),
  'weston-xwayland': pending('weston-xwayland', [weston, xwayland], { x11: true, seamless: false }),
  'kwin-xwayland': pending('kwin-xwayland', [kwin, xwayland], { x11: true, seamless: false }),
  weston: pending('weston', [weston], { x11: false, seamless: false }),
  kwin: pending('kwin', [kwin], { x11: false, seamless: false }),
  hostwayland: pending('hostwayland', [], { x11: false, seamless: true }),
} satisfies Partial<Record<XServerName, DisplayDriver>>;
