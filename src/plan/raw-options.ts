/**
 * Warnings for raw `docker run` options (after `--`) that weaken the container's isolation, in
 * the same words as x11docker's own options that do the same (upstream warns for every option
 * that degrades isolation; a raw option must not be a quiet way around that). Pure.
 */

/** One raw option and its value (`--flag=value`, `--flag value`), as docker's CLI reads them. */
export interface RawOption {
  readonly flag: string;
  readonly value?: string;
}

/** docker run flags that take a value (only those this module looks at, and common ones before them). */
const TAKES_VALUE = new Set(['--device-cgroup-rule', '--cap-add', '--security-opt', '--pid', '--ipc', '--network', '--net', '--device', '--uts', '--userns', '--user', '-u', '--cgroupns', '-v', '--volume', '--mount', '-e', '--env', '--name', '-w', '--workdir', '--label', '-l', '--tmpfs', '--entrypoint', '-p', '--publish', '--hostname', '-h']);

/**
 * Splits raw options into flags with values; positional words are skipped.
 * @param args the options after `--`, e.g. `['--userns', 'host', '-e', 'A=1']`.
 */
export function rawOptions(args: readonly string[]): RawOption[] {
  const out: RawOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) out.push({ flag: a.slice(0, eq), value: a.slice(eq + 1) });
    else if (TAKES_VALUE.has(a)) out.push({ flag: a, value: args[++i] });
    else out.push({ flag: a });
  }
  return out;
}

/**
 * @param engineArgs the options after `--`.
 * @returns one warning per isolation-weakening raw option: `--privileged`, `--cap-add`,
 *   `--pid=host`, `--ipc=host`, `--network=host`, `--uts=host`, `--userns=host` (turns a
 *   daemon's remapping off), `--user`/`-u` root, `--device`, `--device-cgroup-rule`, and `--security-opt` values
 *   that turn off no-new-privileges, seccomp, AppArmor or SELinux labels.
 */
export function rawOptionWarnings(engineArgs: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const { flag, value } of rawOptions(engineArgs)) {
    const v = value ?? '';
    if (flag === '--privileged' && v !== 'false') {
      warnings.push('docker run option --privileged gives the container all capabilities and all host devices, without seccomp or AppArmor: it is as good as root on the host. VERY insecure.');
    } else if (flag === '--cap-add') {
      warnings.push(`docker run option --cap-add=${v} gives the container back a capability that x11docker drops. If an application breaks out of the container, it can use it on the host.`);
    } else if (flag === '--pid' && v === 'host') {
      warnings.push('docker run option --pid=host shares the host process namespace: the container sees all host processes and, through /proc/PID/root, their files (x11docker\'s cache with all session cookies, the X sockets of all displays). Severe reduction of container isolation.');
    } else if (flag === '--ipc' && v === 'host') {
      warnings.push('docker run option --ipc=host shares the host IPC namespace (shared memory, MIT-SHM), as --hostipc does. Severe reduction of container isolation.');
    } else if ((flag === '--network' || flag === '--net') && v === 'host') {
      warnings.push('docker run option --network=host shares the host network stack, as --hostnet does: the container can reach services on the host\'s localhost, and abstract unix sockets such as X displays listening there.');
    } else if (flag === '--uts' && v === 'host') {
      warnings.push('docker run option --uts=host shares the host\'s hostname namespace.');
    } else if ((flag === '--user' || flag === '-u') && /^(0|root)(:.*)?$/.test(v)) {
      warnings.push(`docker run option ${flag}=${v} runs the container command as root, as --user=root does. Its capabilities are dropped and no-new-privileges is set, but root in a container is still more dangerous if it breaks out.`);
    } else if (flag === '--userns' && v === 'host') {
      warnings.push('docker run option --userns=host turns off the user namespace remapping of a docker daemon that uses it (userns-remap): root in the container is then root on the host.');
    } else if (flag === '--device-cgroup-rule') {
      warnings.push(`docker run option --device-cgroup-rule=${v} allows the container to use host devices.`);
    } else if (flag === '--device') {
      warnings.push(`docker run option --device=${v} gives the container access to a host device.`);
    } else if (flag === '--security-opt' && /^(no-new-privileges[:=]false|seccomp[:=]unconfined|apparmor[:=]unconfined|label[:=]disable|systempaths[:=]unconfined)$/.test(v)) {
      warnings.push(`docker run option --security-opt=${v} turns off a protection that x11docker sets or relies on. Reduction of container isolation.`);
    }
  }
  return warnings;
}

/** Whether raw engine args contain one of `flags` (as `--flag`, `--flag=v` or `-f`). */
export function hasOption(args: readonly string[], flags: readonly string[]): boolean {
  return args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
}
