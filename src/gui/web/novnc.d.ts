/**
 * The part of noVNC's RFB API (npm `@novnc/novnc` 1.7, docs/API.md) that the viewer uses. The
 * package ships no declarations, and @types/novnc__novnc describes the old `lib/rfb` path.
 */
declare module '@novnc/novnc' {
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string, options?: { credentials?: { password?: string } });
    scaleViewport: boolean;
    resizeSession: boolean;
    focusOnClick: boolean;
    readonly desktopName?: string;
    clipboardPasteFrom(text: string): void;
    disconnect(): void;
  }
}
