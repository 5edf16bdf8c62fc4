/**
 * The small part of the `x11` package (node-x11, pure JavaScript X11 client) that the clipboard
 * synchroniser uses: a connection, atoms, an input-only window and the XFIXES extension's
 * selection events. The package ships no type declarations.
 */
declare module 'x11' {
  /** An X event as node-x11 parses it (XFIXES SelectionNotify: `owner`, `selection`). */
  export interface XEvent {
    readonly name?: string;
    readonly type: number;
    readonly owner?: number;
    readonly selection?: number;
  }
  /** The XFIXES extension of one connection. */
  export interface XFixes {
    readonly SelectionEventMask: { readonly SetSelectionOwner: number; readonly SelectionWindowDestroy: number; readonly SelectionClientClose: number };
    SelectSelectionInput(window: number, selection: number, eventMask: number): void;
  }
  /** One connection to an X server. */
  export interface XClient {
    AllocID(): number;
    InternAtom(onlyIfExists: boolean, name: string, cb: (err: Error | null, atom: number) => void): void;
    CreateWindow(wid: number, parent: number, x: number, y: number, width: number, height: number, borderWidth: number, depth: number, klass: number, visual: number, values: Record<string, unknown>): void;
    require(ext: 'fixes', cb: (err: Error | null, ext: XFixes) => void): void;
    on(event: 'event', cb: (ev: XEvent) => void): this;
    on(event: 'error' | 'end' | 'close', cb: (err?: Error) => void): this;
    terminate(): void;
  }
  /** What `createClient` hands its callback. */
  export interface XDisplay {
    readonly client: XClient;
    readonly screen: readonly { readonly root: number }[];
  }
  /** Connection options: `display` (`:N`), `auth` to use this cookie instead of reading XAUTHORITY. */
  export interface ClientOptions {
    display?: string;
    auth?: { name: string; data: string };
  }
  export function createClient(options: ClientOptions, cb: (err: Error | null, display: XDisplay) => void): XClient;
  export const InputOnly: number;
}
