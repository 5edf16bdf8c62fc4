/**
 * The keyboard layout of an X display as XKB rule names (rules, model, layout, variant, options):
 * the root window property `_XKB_RULES_NAMES`, which every XKB keymap loader writes (the X server
 * at start, setxkbmap, desktop keyboard settings, xpra). It is what `setxkbmap -query` prints.
 *
 * Upstream x11docker gives a new X server the user's layout by running
 * `setxkbmap -display $Hostdisplay -print | xkbcomp - $Newdisplay` (setxkbmap -print builds its
 * keymap from this same property), and nxagent `keyboard=clone`. Here the property is read once
 * as a host fact, in-process over the X protocol (node-x11; no setxkbmap or xprop process); the
 * plan decides which new server gets it (src/plan/keyboard.ts).
 */
import type x11 from 'x11';
import { authFromFile, request, withX11 } from '../run/x11-client.js';

/** XKB rule names of a keymap; each field is '' when unset (setxkbmap then uses its default). */
export interface XkbNames {
  /** Rules file, e.g. `evdev`. */
  readonly rules: string;
  /** Keyboard model, e.g. `pc105`. */
  readonly model: string;
  /** Layouts, comma-separated, e.g. `fr` or `fr,us`. */
  readonly layout: string;
  /** Variants, one per layout, comma-separated, e.g. `nodeadkeys` or `,` (may be empty). */
  readonly variant: string;
  /** XKB options, comma-separated, e.g. `ctrl:nocaps,grp:alt_shift_toggle`. */
  readonly options: string;
}

/** The root window property with the rule names (XKBrules.h `_XKB_RF_NAMES_PROP_ATOM`). */
export const XKB_RULES_NAMES = '_XKB_RULES_NAMES';
/** Predefined atom STRING (X11 protocol): the property's type. */
const XA_STRING = 31;
/** Longest property read, in 4-byte units (the five names are a few dozen bytes). */
const MAX_PROPERTY_UNITS = 1024;
/** How long reading the user's display may take, in ms, before the layout is taken as unknown. */
export const READ_TIMEOUT_MS = 1000;

const FIELDS = ['rules', 'model', 'layout', 'variant', 'options'] as const;

/**
 * Parses the value of `_XKB_RULES_NAMES`: five strings, each ended by a NUL byte (XkbRF_SetNamesProp).
 * @param data the property's bytes (format 8, type STRING).
 * @returns undefined when it names no layout, or holds control characters (not a real keymap's names).
 */
export function parseXkbRulesNames(data: Buffer): XkbNames | undefined {
  const parts = data.toString('latin1').split('\0');
  const names = Object.fromEntries(FIELDS.map((f, i) => [f, parts[i] ?? ''])) as unknown as XkbNames;
  // eslint-disable-next-line no-control-regex
  if (!names.layout || FIELDS.some((f) => /[\x00-\x1f\x7f]/.test(names[f]))) return undefined;
  return names;
}

/** The `_XKB_RULES_NAMES` of the root window `root`, parsed; undefined when it is missing or unusable. */
async function getNames(X: x11.XClient, root: number): Promise<XkbNames | undefined> {
  const atom = await request<number>((cb) => X.InternAtom(true, XKB_RULES_NAMES, cb));
  if (atom === 0) return undefined; // only-if-exists: no such atom, so no such property
  const prop = await request<x11.XProperty>((cb) => X.GetProperty(0, root, atom, XA_STRING, 0, MAX_PROPERTY_UNITS, cb));
  return prop.type === XA_STRING && prop.format === 8 ? parseXkbRulesNames(prop.data) : undefined;
}

/**
 * Reads the keyboard layout of the user's display (the host fact `keyboard`): one X connection,
 * InternAtom and GetProperty on the first screen's root window, closed again.
 * @param display DISPLAY of the user's desktop.
 * @param xauthority its authority file (XAUTHORITY); none or unreadable means no cookie.
 * @param timeoutMs how long the whole exchange may take.
 * @returns the rule names, or undefined when the display refuses the connection, does not answer
 *   within `timeoutMs`, or has no XKB names. Never throws: a session without the user's layout still runs.
 */
export function readXkbNames(display: string, xauthority: string | undefined, timeoutMs = READ_TIMEOUT_MS): Promise<XkbNames | undefined> {
  return withX11(display, authFromFile(display, xauthority), timeoutMs, getNames).catch(() => undefined);
}
