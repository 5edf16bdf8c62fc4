/**
 * Gives a nested server's window on the user's display the size the driver asked for, after the
 * server started (DisplayLaunch.hostWindow, set by the nxagent desktop driver).
 *
 * nxagent 3.5.99 honours its `geometry=WxH` only when the user's display has a window manager.
 * Without one it switches to its own fullscreen mode and makes its window 3/4 of the user's
 * screen (nx-libs Screen.c, nxagentOpenScreen), whatever `--size` says. It does follow a resize
 * of its window without a window manager, though: on the ConfigureNotify it resizes its screen to
 * the window (Events.c, nxagentHandleConfigureNotify, RandR). So x11docker finds the window by
 * its title on the user's display, resizes it when its size is not the one asked for, and waits
 * until the new display's screen has that size, before the container starts.
 */
import { waitUntil } from './wait.js';
import type x11 from 'x11';
import { request, withX11, type X11Auth } from './x11-client.js';

/** WM_NAME, a predefined atom of the X protocol. */
const XA_WM_NAME = 39;
/** How often the window and the screen size are looked at, in ms. */
const POLL_MS = 50;

/** What to size: the window titled `title` to `width` x `height` pixels. */
export interface HostWindowSize {
  readonly title: string;
  readonly width: number;
  readonly height: number;
}

/** A display to talk to: its DISPLAY value and cookie. */
export interface DisplayAccess {
  readonly display: string;
  readonly auth: X11Auth | undefined;
}


/** The WM_NAME of `window`, or '' when it has none. */
async function windowName(X: x11.XClient, window: number): Promise<string> {
  const prop = await request<x11.XProperty>((cb) => X.GetProperty(0, window, XA_WM_NAME, 0, 0, 256, cb)).catch(() => undefined);
  return prop?.data.toString('utf8') ?? '';
}

/**
 * The window titled `title` among the root's children and their children (a window manager puts
 * a client window into a frame), or undefined.
 */
async function findWindow(X: x11.XClient, root: number, title: string): Promise<number | undefined> {
  const top = (await request<x11.XTree>((cb) => X.QueryTree(root, cb))).children;
  const framed = await Promise.all(top.map((w) => request<x11.XTree>((cb) => X.QueryTree(w, cb)).then((t) => t.children, () => [])));
  const candidates = [...top, ...framed.flat()];
  const names = await Promise.all(candidates.map((w) => windowName(X, w)));
  return candidates[names.indexOf(title)];
}

/**
 * Sizes the window `want.title` on the user's display and waits until the new display's screen
 * has that size too.
 * @param host the user's display.
 * @param server the new display (its root window is checked).
 * @param timeoutMs for each of the two steps (finding and sizing the window; the screen following).
 * @returns whether the window had to be resized (false: it already had the size, e.g. a window manager placed it).
 * @throws Error when the window does not appear, or the new screen does not take the size, in time.
 */
export async function sizeHostWindow(host: DisplayAccess, server: DisplayAccess, want: HostWindowSize, timeoutMs: number): Promise<boolean> {
  const resized = await withX11(host.display, host.auth, timeoutMs + 1000, async (X, root) => {
    const w = await waitUntil(() => findWindow(X, root, want.title), { what: `a window '${want.title}' on ${host.display}`, timeoutMs, intervalMs: POLL_MS });
    const g = await request<x11.XGeometry>((cb) => X.GetGeometry(w, cb));
    if (g.width === want.width && g.height === want.height) return false;
    X.ResizeWindow(w, want.width, want.height);
    await request<x11.XGeometry>((cb) => X.GetGeometry(w, cb)); // a round trip: the resize was done
    return true;
  });
  if (!resized) return false;
  await withX11(server.display, server.auth, timeoutMs + 1000, async (X, root) => {
    const sized = async () => {
      const g = await request<x11.XGeometry>((cb) => X.GetGeometry(root, cb));
      return g.width === want.width && g.height === want.height;
    };
    await waitUntil(sized, { what: `the screen of ${server.display} to become ${want.width}x${want.height}`, timeoutMs, intervalMs: POLL_MS });
  });
  return true;
}
