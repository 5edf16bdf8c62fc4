/**
 * x11docker's icon, an SVG drawn for this port (a window with an X on a container's blue), which
 * `--install` and `--launcher` put into ~/.local/share/icons/hicolor/scalable/apps/x11docker.svg.
 * Upstream installs its x11docker.png with xdg-icon-resource; this one is text, so it needs no
 * file beside the bundle and no xdg-utils.
 */

/** The SVG source; its comment marks the file as x11docker's, so `--remove` removes only this one. */
export const iconSvg = `<?xml version="1.0" encoding="UTF-8"?>
<!-- x11docker icon -->
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <rect x="2" y="2" width="60" height="60" rx="10" fill="#1d63b8"/>
  <rect x="10" y="14" width="44" height="38" rx="3" fill="#ffffff"/>
  <rect x="10" y="14" width="44" height="7" rx="3" fill="#0b3b73"/>
  <path d="M22 27 L42 47 M42 27 L22 47" stroke="#1d63b8" stroke-width="6" stroke-linecap="round"/>
</svg>
`;
