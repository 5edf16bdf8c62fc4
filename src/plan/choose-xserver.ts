/**
 * Which X server or compositor a session gets (plan.ts planSession's first step): the display
 * option given, or upstream's automatic choice, checked against what this host (or, with `--xc`,
 * the X server image) can run. Pure: options and host facts in, a driver and a reason out.
 */
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { XServerDriver } from '../xserver/driver.js';
import { xserverDrivers } from '../xserver/drivers.js';
import { chooseDisplay, dependencyCheck, unavailable } from './choose.js';
import { imageBinaries } from './xcontainer.js';

/**
 * Picks the display option with {@link chooseDisplay} (the one given, or upstream's automatic
 * choice), says on one line which one and why (and which better one is missing), and refuses
 * one that cannot run here with {@link unavailable}'s message (the missing binary and its Debian
 * package, or the missing DISPLAY, WAYLAND_DISPLAY or console).
 * @param notes collects the note of an automatic choice (and with `--printcheck` the dependency check).
 * @param warnings unused here: a shared display's warning comes from planHostDisplayAccess.
 * @throws X11DockerError naming the missing binary, package, DISPLAY, WAYLAND_DISPLAY or console.
 */
export function chooseXServer(options: Options, host: HostFacts, notes: string[], warnings: string[]): { driver: XServerDriver; reason: string } {
  const input = {
    desktop: options.desktop,
    gpu: options.services.gpu,
    wayland: options.wayland,
    display: host.display,
    waylandDisplay: host.waylandDisplay,
    xdgRuntimeDir: host.xdgRuntimeDir,
    // --xc: what the X server image brings counts as installed (auto: when the engine has the image)
    // (--xpra2*: always from the image, which planXContainer requires)
    binaries: options.xc.mode === 'yes' || (options.xc.mode === 'auto' && host.xcImage) || (options.xserver && xserverDrivers[options.xserver].xcRequired) ? new Set([...host.binaries, ...imageBinaries(Object.values(xserverDrivers))]) : host.binaries,
    processUid: host.processUid,
    onConsole: host.onConsole,
    keymap: options.integration.keymap !== undefined,
  };
  if (options.printcheck) notes.push(...dependencyCheck({ ...input, xserver: options.xserver }));
  const choice = chooseDisplay({ ...input, xserver: options.xserver });
  const driver = xserverDrivers[choice.name];
  if (!choice.explicit) notes.push(`Using X server option --${choice.name} (${choice.reason})${choice.better ? `; better: ${choice.better}` : ''}.`);
  const why = unavailable(driver, input);
  if (why) {
    // --html picks Xvfb itself: name the option the user gave
    throw new X11DockerError(options.html !== undefined ? `Option --html runs the app on Xvfb: ${why.message}` : why.message);
  }
  // a shared display's warning comes from planHostDisplayAccess: it depends on --gpu and --clipboard
  return { driver, reason: choice.reason };
}
