/**
 * The sh scripts x11docker writes into a container for the init, dbus and root options
 * (src/plan/services.ts decides which): the root launcher (services as root, then the command as
 * the container user with setpriv), the user launcher (dbus session), and for systemd/OpenRC
 * the environment starter and systemd's PID 1 wrapper. Words are quoted with src/quote.ts; the
 * scripts are POSIX sh (dash, bash, busybox sh). Pure.
 */
import type { InitSystem, ServiceOptions } from '../options/services.js';
import { quoteWord } from '../quote.js';
import type { ContainerUser } from './userdb.js';

/** Folder in the container for x11docker's launcher scripts. */
export const LAUNCH_DIR = '/x11docker';
/** Root launcher: starts services, then the command as the container user. */
export const LAUNCH_ROOT = `${LAUNCH_DIR}/launch`;
/** User launcher: the dbus session around the command. */
export const LAUNCH_USER = `${LAUNCH_DIR}/cmd`;
/** Where an init system's launcher writes the command's exit code (a shared session folder). */
export const EXIT_DIR = '/x11docker/exit';
/** With systemd or OpenRC: the command with its arguments, run by the starter. */
export const LAUNCH_RUN = `${LAUNCH_DIR}/run`;
/** With systemd: PID 1's entrypoint, which keeps the container's stdout and stderr, then becomes systemd. */
export const SYSTEMD_PID1 = `${LAUNCH_DIR}/systemd`;

/**
 * The starter for systemd and OpenRC, which give their services a clean environment: it runs
 * {@link LAUNCH_RUN} with PID 1's environment (the container's: DISPLAY, XAUTHORITY, --env, the
 * image's ENV), read NUL-separated from /proc/1/environ with xargs -0 (findutils or busybox).
 * It runs once only (OpenRC may have both `local` and `rc.local`).
 */
export function environmentStarter(init: 'systemd' | 'openrc'): string {
  return [
    '#!/bin/sh',
    `# x11docker: started by ${init}; the command gets the container's environment again`,
    'mkdir /run/x11docker-started 2>/dev/null || exit 0',
    "if command -v xargs >/dev/null 2>&1; then exec xargs -0 sh -c 'exec env -i \"$@\" " + LAUNCH_RUN + "' x11docker </proc/1/environ; fi",
    `echo "x11docker note: --${init}: the image has no xargs (findutils); the command runs without the container's environment." >&2`,
    `exec ${LAUNCH_RUN}`,
    '',
  ].join('\n');
}

/**
 * PID 1 for systemd: systemd replaces its own stdout and stderr with /dev/null when it is not on a
 * console, so the command's output goes through two FIFOs that `cat` (ignoring the stop signals
 * of the shutdown, it ends at end of file) copies to the container's stdout and stderr.
 */
export function systemdPid1(): string {
  return [
    '#!/bin/sh',
    '# x11docker: keeps stdout and stderr for the command, then becomes systemd',
    `mkfifo -m 600 ${LAUNCH_DIR}/stdout ${LAUNCH_DIR}/stderr || exit 64`,
    "trap '' HUP INT TERM",
    `cat ${LAUNCH_DIR}/stdout &`,
    `cat ${LAUNCH_DIR}/stderr >&2 &`,
    'trap - HUP INT TERM',
    `for f in /lib/systemd/systemd /usr/lib/systemd/systemd; do [ -x "$f" ] && exec "$f" --unit=x11docker.service --show-status=false; done`,
    'echo "x11docker error: --systemd: the image has no systemd (/lib/systemd/systemd)." >&2',
    'exit 64',
    '',
  ].join('\n');
}

/**
 * The user launcher: the `--runasuser` commands (each in its own shell; a failure is a note, as
 * for `--runasroot`), then `"$@"`, in a dbus session when asked (dbus-launch, else dbus-run-session).
 * @param dbus run the command in a dbus session.
 * @param runAsUser `--runasuser` commands, in order.
 * @param keepAlive `--checkwindow`: the launcher stays after the command ended (upstream's
 *   `waitfortheend`), so that what the command forked keeps its windows until they are closed.
 */
export function userLauncher(dbus: boolean, runAsUser: readonly string[] = [], keepAlive = false): string {
  const lines = ['#!/bin/sh', '# x11docker: runs the command as the container user'];
  for (const command of runAsUser) {
    lines.push(`sh -c ${quoteWord(command)} || echo "x11docker note: --runasuser command failed with exit code $?: "${quoteWord(command)} >&2`);
  }
  if (dbus) {
    lines.push(
      'if command -v dbus-launch >/dev/null 2>&1; then exec dbus-launch --exit-with-session "$@"; fi',
      'if command -v dbus-run-session >/dev/null 2>&1; then exec dbus-run-session -- "$@"; fi',
      'echo "x11docker note: --dbus: the image has neither dbus-launch (package dbus-x11) nor dbus-run-session (package dbus); running without a dbus session." >&2',
    );
  }
  if (keepAlive) {
    // the dbus lines run the command without exec: x11docker_run returns, the launcher stays
    const run = lines.splice(2 + runAsUser.length).map((l) => l.replace(/then exec /, 'then ').replace(/; fi$/, '; return $?; fi'));
    lines.push('x11docker_run() {', ...run.map((l) => `  ${l}`), '  "$@"', '}', 'x11docker_run "$@"');
    lines.push('echo "x11docker note: --checkwindow: the command ended with exit code $?; the container runs until its windows are closed." >&2');
    lines.push('while :; do sleep 3600; done', '');
    return lines.join('\n');
  }
  lines.push('exec "$@"', '');
  return lines.join('\n');
}

/**
 * The root launcher: starts the dbus system daemon when asked, then runs the user launcher as the
 * container user with setpriv (util-linux). Under an init system it records the exit code and
 * powers the container off.
 */
export function rootLauncher(s: ServiceOptions, user: ContainerUser, groups: number[], realInit: boolean, workdir: string): string {
  const lines = ['#!/bin/sh', '# x11docker: root part of the launcher'];
  lines.push(
    // util-linux setpriv; busybox has a setpriv without --reuid/--regid
    'if ! setpriv --reuid=0 --regid=0 --clear-groups -- true >/dev/null 2>&1; then echo "x11docker error: the image has no setpriv of util-linux (a busybox setpriv lacks --reuid), needed to run the command as the container user. Install util-linux in the image, or leave out the options that start the container as root (--runasroot, --dbus-system, init systems)." >&2; exit 64; fi',
  );
  if (s.dbusSystem) {
    lines.push(
      'if command -v dbus-daemon >/dev/null 2>&1; then',
      '  mkdir -p /run/dbus && dbus-daemon --system --fork || echo "x11docker note: --dbus-system: dbus-daemon --system did not start." >&2',
      'else',
      '  echo "x11docker note: --dbus-system: the image has no dbus-daemon (package dbus)." >&2',
      'fi',
    );
  }
  for (const command of s.runAsRoot) {
    // --runasroot: each command in its own shell, as root; a failure is reported, not fatal (as upstream)
    lines.push(`sh -c ${quoteWord(command)} || echo "x11docker note: --runasroot command failed with exit code $?: "${quoteWord(command)} >&2`);
  }
  const groupOpt = groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups';
  const run = `setpriv --reuid=${user.uid} --regid=${user.gid} ${groupOpt} --inh-caps=-all -- ${LAUNCH_USER} "$@"`;
  if (!realInit) {
    lines.push(`exec ${run}`, '');
    return lines.join('\n');
  }
  lines.push(
    `cd ${quoteWord(workdir)} 2>/dev/null || cd ${quoteWord(user.home)} 2>/dev/null || cd /`,
    `${run} </dev/null`,
    'rc=$?',
    `echo "$rc" > ${EXIT_DIR}/code`,
    shutdownCommand(s.init),
    '',
  );
  return lines.join('\n');
}

/** How the launcher ends the container once the command has ended. */
function shutdownCommand(init: InitSystem): string {
  switch (init) {
    case 'systemd':
      return 'exit "$rc" # the unit\'s SuccessAction/FailureAction=exit ends systemd with this code';
    case 'runit':
      return 'true # stage 2 ends, runit runs stage 3 and halts';
    case 's6-overlay':
      return 'true # the main program ends, s6-overlay stops its services and the container';
    case 'openrc':
      return 'openrc-shutdown --poweroff now || kill -s USR2 1';
    default:
      return 'halt -f || kill -s INT 1';
  }
}
