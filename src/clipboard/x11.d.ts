/**
 * The small part of the `x11` package (node-x11, pure JavaScript X11 client) that x11docker uses:
 * a connection, atoms, an input-only window and the XFIXES extension's selection events (the
 * clipboard synchroniser), root window properties (the keyboard layout, src/host/keyboard.ts),
 * and the window tree and sizes (src/run/host-window.ts).
 * The package ships no type declarations.
 */
declare module 'x11' {
  /** An X event as node-x11 parses it (XFIXES SelectionNotify: `owner`, `selection`). */
  export interface XEvent {
    readonly name?: string;
    readonly type: number;
    readonly owner?: number;
    readonly selection?: number;
    /** KeyPress: the key's keycode. */
    readonly keycode?: number;
  }
  /** The XFIXES extension of one connection. */
  export interface XFixes {
    readonly SelectionEventMask: { readonly SetSelectionOwner: number; readonly SelectionWindowDestroy: number; readonly SelectionClientClose: number };
    SelectSelectionInput(window: number, selection: number, eventMask: number): void;
  }
  /** A GetProperty reply: `type` is 0 (None) when the property does not exist. */
  export interface XProperty {
    readonly type: number;
    /** 8, 16 or 32 bits per element. */
    readonly format: number;
    readonly bytesAfter: number;
    readonly data: Buffer;
  }
  /** A QueryTree reply. */
  export interface XTree {
    readonly root: number;
    readonly parent: number;
    readonly children: readonly number[];
  }
  /** A GetGeometry reply (pixels). */
  export interface XGeometry {
    readonly xPos: number;
    readonly yPos: number;
    readonly width: number;
    readonly height: number;
  }
  /** One connection to an X server. */
  export interface XClient {
    AllocID(): number;
    InternAtom(onlyIfExists: boolean, name: string, cb: (err: Error | null, atom: number) => void): void;
    CreateWindow(wid: number, parent: number, x: number, y: number, width: number, height: number, borderWidth: number, depth: number, klass: number, visual: number, values: Record<string, unknown>): void;
    /** `offset` and `length` in 4-byte units; `type` 0 is AnyPropertyType. */
    GetProperty(deleteIt: number, window: number, property: number, type: number, offset: number, length: number, cb: (err: Error | null, prop: XProperty) => void): void;
    QueryTree(window: number, cb: (err: Error | null, tree: XTree) => void): void;
    GetGeometry(drawable: number, cb: (err: Error | null, geometry: XGeometry) => void): void;
    /** ConfigureWindow with width and height; no reply. */
    ResizeWindow(window: number, width: number, height: number): void;
    /** Keysyms of `count` keycodes from `first`, one row per keycode. */
    GetKeyboardMapping(first: number, count: number, cb: (err: Error | null, rows: readonly (readonly number[])[]) => void): void;
    /** A passive key grab; modes 1 = GrabModeAsync. */
    GrabKey(window: number, ownerEvents: boolean, modifiers: number, keycode: number, pointerMode: number, keyboardMode: number): void;
    require(ext: 'fixes', cb: (err: Error | null, ext: XFixes) => void): void;
    on(event: 'event', cb: (ev: XEvent) => void): this;
    on(event: 'error' | 'end' | 'close', cb: (err?: Error) => void): this;
    terminate(): void;
  }
  /** What `createClient` hands its callback. */
  export interface XDisplay {
    readonly client: XClient;
    readonly screen: readonly { readonly root: number }[];
    readonly min_keycode: number;
    readonly max_keycode: number;
  }
  /** Connection options: `display` (`:N`), `auth` to use this cookie instead of reading XAUTHORITY. */
  export interface ClientOptions {
    display?: string;
    auth?: { name: string; data: string };
  }
  export function createClient(options: ClientOptions, cb: (err: Error | null, display: XDisplay) => void): XClient;
  export const InputOnly: number;
}
