/**
 * The one table of `docker run` / `docker create` flags (and those podman and nerdctl add), as
 * far as x11docker must know them to read the raw options after `--` (src/options/raw-options.ts):
 * which flags take a value (`-v X`) and which are yes/no flags (`-i`), their one-letter forms and
 * hidden aliases. Taken from `docker create --help` (docker 28, plus hidden `--net`,
 * `--net-alias` and the Windows-only flags) and `podman create --help` (podman 4 and 5).
 * A flag missing here is read as a yes/no flag unless written `--flag=value`, as before.
 */

/** How one flag is read. */
export interface RunFlag {
  /** Long name with dashes, e.g. `--volume`. */
  readonly name: string;
  /** The flag takes a value (`--flag V`, `--flag=V`, `-fV`); false for a yes/no flag. */
  readonly takesValue: boolean;
  /** One-letter form with its dash, e.g. `-v`. */
  readonly short?: string;
}

/** Flags that take a value, long name first and the one-letter form after a space. */
const VALUE_FLAGS = [
  // docker
  '--add-host', '--annotation', '--attach -a', '--blkio-weight', '--blkio-weight-device', '--cap-add', '--cap-drop',
  '--cgroup-parent', '--cgroupns', '--cidfile', '--cpu-count', '--cpu-percent', '--cpu-period', '--cpu-quota',
  '--cpu-rt-period', '--cpu-rt-runtime', '--cpu-shares -c', '--cpus', '--cpuset-cpus', '--cpuset-mems',
  '--credentialspec', '--detach-keys', '--device', '--device-cgroup-rule', '--device-read-bps', '--device-read-iops',
  '--device-write-bps', '--device-write-iops', '--dns', '--dns-option', '--dns-search', '--domainname', '--entrypoint',
  '--env -e', '--env-file', '--expose', '--gpus', '--group-add', '--health-cmd', '--health-interval', '--health-retries',
  '--health-start-interval', '--health-start-period', '--health-timeout', '--hostname -h', '--io-maxbandwidth',
  '--io-maxiops', '--ip', '--ip6', '--ipc', '--isolation', '--kernel-memory', '--label -l', '--label-file', '--link',
  '--link-local-ip', '--log-driver', '--log-opt', '--mac-address', '--memory -m', '--memory-reservation',
  '--memory-swap', '--memory-swappiness', '--mount', '--name', '--network', '--network-alias', '--oom-score-adj',
  '--pid', '--pids-limit', '--platform', '--publish -p', '--pull', '--restart', '--runtime', '--security-opt',
  '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs', '--ulimit', '--user -u',
  '--userns', '--uts', '--volume -v', '--volume-driver', '--volumes-from', '--workdir -w',
  // podman
  '--arch', '--authfile', '--cgroup-conf', '--cgroups', '--chrootdirs', '--conmon-pidfile', '--decryption-key',
  '--env-merge', '--gidmap', '--group-entry', '--health-log-destination', '--health-max-log-count',
  '--health-max-log-size', '--health-on-failure', '--health-startup-cmd', '--health-startup-interval',
  '--health-startup-retries', '--health-startup-success', '--health-startup-timeout', '--hostuser', '--hosts-file',
  '--image-volume', '--init-ctr', '--init-path', '--os', '--passwd-entry', '--personality', '--pidfile', '--pod',
  '--pod-id-file', '--preserve-fd', '--preserve-fds', '--rdt-class', '--requires', '--retry', '--retry-delay',
  '--sdnotify', '--seccomp-policy', '--secret', '--shm-size-systemd', '--subgidname', '--subuidname', '--systemd',
  '--timeout', '--tz', '--uidmap', '--umask', '--unsetenv', '--variant',
];

/** Yes/no flags (`--flag`, `--flag=false`; never `--flag false`), as {@link VALUE_FLAGS}. */
const BOOLEAN_FLAGS = [
  // docker
  '--detach -d', '--disable-content-trust', '--help', '--init', '--interactive -i', '--no-healthcheck',
  '--oom-kill-disable', '--privileged', '--publish-all -P', '--quiet -q', '--read-only', '--rm', '--sig-proxy',
  '--tty -t', '--use-api-socket',
  // podman
  '--env-host', '--http-proxy', '--no-hosts', '--passwd', '--read-only-tmpfs', '--replace', '--rmi', '--rootfs',
  '--tls-verify', '--unsetenv-all',
];

/** Hidden spellings that docker reads as another flag. */
const ALIASES: Readonly<Record<string, string>> = { '--net': '--network', '--net-alias': '--network-alias' };

const byName = new Map<string, RunFlag>();
const byShort = new Map<string, RunFlag>();
for (const [list, takesValue] of [[VALUE_FLAGS, true], [BOOLEAN_FLAGS, false]] as const) {
  for (const entry of list) {
    const [name, short] = entry.split(' ') as [string, string | undefined];
    const flag: RunFlag = { name, takesValue, ...(short ? { short } : {}) };
    byName.set(name, flag);
    if (short) byShort.set(short, flag);
  }
}

/**
 * Looks a flag up by any of its spellings.
 * @param flag `--volume`, `-v` or an alias such as `--net` (without a value).
 * @returns the table entry, or undefined for a flag x11docker does not know.
 */
export function runFlag(flag: string): RunFlag | undefined {
  return byName.get(ALIASES[flag] ?? flag) ?? byShort.get(flag);
}

/**
 * The name x11docker files a flag under: the long name of a known flag (`-v` -> `--volume`,
 * `--net` -> `--network`), else the flag as given.
 */
export function canonicalFlag(flag: string): string {
  return runFlag(flag)?.name ?? flag;
}
