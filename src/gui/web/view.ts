/**
 * The `--html` viewer: noVNC's RFB client (npm `@novnc/novnc`) connected through websockify on
 * the same origin. The VNC password and the WebSocket token come from the URL fragment
 * (`#password=...&token=...`), which the browser never sends to a server; they are removed from
 * the address bar once read.
 * The view scales to the window (keyboard and mouse go to the app; focus follows a click).
 * With `&clipboard=1` the clipboard is shared in both directions where the browser allows it.
 */
import RFB from '@novnc/novnc';

const params = new URLSearchParams(location.hash.slice(1));
const password = params.get('password') ?? '';
// websockify's second check: the random token of the WebSocket path (its TokenFile plugin)
const token = params.get('token') ?? '';
const status = document.getElementById('status')!;
history.replaceState(null, '', location.pathname);

const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/websockify?token=${encodeURIComponent(token)}`;
const rfb = new RFB(document.getElementById('screen')!, url, { credentials: { password } });
rfb.scaleViewport = true;
rfb.focusOnClick = true;
// noVNC reports the desktop name (x11vnc's -desktop, e.g. "x11docker :100") in an event, before
// or after 'connect'; the title shows it once known.
let desktopName = '';
rfb.addEventListener('connect', () => {
  status.textContent = '';
  document.title = `x11docker: ${desktopName}`.trim();
  (window as unknown as { x11dockerConnected: boolean }).x11dockerConnected = true;
});
let refused = false;
rfb.addEventListener('disconnect', () => {
  if (!refused) status.textContent = 'disconnected: the session has ended';
});
rfb.addEventListener('securityfailure', () => {
  refused = true;
  status.textContent = 'wrong password';
});
rfb.addEventListener('desktopname', (e: Event) => {
  desktopName = (e as CustomEvent<{ name: string }>).detail.name;
  document.title = `x11docker: ${desktopName}`;
});
if (params.get('clipboard') === '1') {
  rfb.addEventListener('clipboard', (e: Event) => {
    void navigator.clipboard?.writeText((e as CustomEvent<{ text: string }>).detail.text).catch(() => undefined);
  });
  window.addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text/plain');
    if (text) rfb.clipboardPasteFrom(text);
  });
}
