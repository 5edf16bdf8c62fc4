/**
 * Turns the `create` argument array that the plan makes (src/plan/plan.ts containerCreateArgs:
 * x11docker's flags, the user's raw options after `--`, then `-- IMAGE COMMAND`) into the body of
 * the Docker Engine API's `POST /containers/create`, as the docker CLI does (docker/cli
 * cli/command/container/opts.go `parse`, and opts/mount.go, opts/envfile.go, opts/ulimit.go). The
 * plan stays one artefact for both engines: this file is the API engine's reading of it.
 *
 * Only flags whose API form is plain are translated. Anything else (e.g. `--env-file`, `--gpus`,
 * `--publish`, `--platform`, `seccomp=FILE`, a `--mount` key without a plain API field, a
 * podman-only flag) makes {@link createBody} say so, and the session creates the container
 * with the engine's CLI instead (same flags, same result), with a `--verbose` line naming the flag.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parseRawOptions, type RawOption } from '../options/raw-options.js';

/** The JSON body of `POST /containers/create` (the fields x11docker uses; API v1.41). */
export interface CreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Domainname?: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Tty: boolean;
  Volumes?: Record<string, Record<string, never>>;
  HostConfig: Record<string, unknown> & {
    Binds: string[];
    Mounts: ApiMount[];
    CapAdd: string[];
    CapDrop: string[];
    SecurityOpt: string[];
  };
}

/** One entry of `HostConfig.Mounts`. */
export interface ApiMount {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** The result of {@link createBody}: the body and the container name, or why the CLI must create it. */
export type CreateRequest =
  | { readonly ok: true; readonly name?: string; readonly body: CreateBody }
  | { readonly ok: false; readonly reason: string };

/**
 * docker's RAMInBytes (go-units): `512`, `64m`, `1.5g`, `2GiB`; units are powers of 1024.
 * @returns bytes, or undefined for a value docker would refuse.
 */
export function ramInBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value.trim());
  if (!m) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/** Go's strconv.ParseBool (a yes/no flag's or mount key's value). */
function goBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

class Untranslatable extends Error {}

/** `--mount` as docker/cli opts/mount.go reads it (CSV of key=value; keys as there). */
function mountOf(value: string): ApiMount {
  const fields = (parseCsv(value, { relax_quotes: true }) as string[][])[0] ?? [];
  const m: ApiMount = { Type: 'volume', Target: '' };
  const volumeLabels: Record<string, string> = {};
  const volumeOpts: Record<string, string> = {};
  let driver: string | undefined;
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const need = () => {
      if (val === undefined) throw new Untranslatable(`--mount key ${key} without a value`);
      return val;
    };
    switch (key) {
      case 'type': m.Type = need().toLowerCase(); break;
      case 'source': case 'src': m.Source = need(); break;
      case 'target': case 'dst': case 'destination': m.Target = need(); break;
      case 'readonly': case 'ro': {
        const b = goBool(val);
        if (b === undefined) throw new Untranslatable(`--mount ${key}=${val}`);
        m.ReadOnly = b;
        break;
      }
      case 'bind-propagation': m.BindOptions = { ...m.BindOptions, Propagation: need() }; break;
      case 'volume-nocopy': m.VolumeOptions = { ...m.VolumeOptions, NoCopy: goBool(val) ?? true }; break;
      case 'volume-label': { const [k, ...v] = need().split('='); volumeLabels[k!] = v.join('='); break; }
      case 'volume-driver': driver = need(); break;
      case 'volume-opt': { const [k, ...v] = need().split('='); volumeOpts[k!] = v.join('='); break; }
      case 'tmpfs-size': {
        const bytes = ramInBytes(need());
        if (bytes === undefined) throw new Untranslatable(`--mount tmpfs-size=${val}`);
        m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: bytes };
        break;
      }
      case 'tmpfs-mode': m.TmpfsOptions = { ...m.TmpfsOptions, Mode: parseInt(need(), 8) }; break;
      case 'consistency': break; // ignored on Linux, as by docker
      default: throw new Untranslatable(`--mount key ${key}`);
    }
  }
  if (Object.keys(volumeLabels).length) m.VolumeOptions = { ...m.VolumeOptions, Labels: volumeLabels };
  if (driver !== undefined || Object.keys(volumeOpts).length) m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { Name: driver, Options: volumeOpts } };
  return m;
}

/** `--device HOST[:CONTAINER[:PERMISSIONS]]` as opts.go `parseDevice` (permissions default rwm). */
function deviceOf(value: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = value.split(':');
  const perms = parts.length > 1 && /^[rwm]+$/.test(parts.at(-1)!) ? parts.pop()! : 'rwm';
  if (parts.length > 2) throw new Untranslatable(`--device ${value}`);
  return { PathOnHost: parts[0]!, PathInContainer: parts[1] ?? parts[0]!, CgroupPermissions: perms };
}

/** `--ulimit NAME=SOFT[:HARD]` as go-units ParseUlimit (numbers only here). */
function ulimitOf(value: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value);
  if (!m) throw new Untranslatable(`--ulimit ${value}`);
  return { Name: m[1]!, Soft: Number(m[2]), Hard: Number(m[3] ?? m[2]) };
}

/**
 * Translates a `create` argument array into an API request.
 * @param args `['create', ...flags, '--', IMAGE, ...COMMAND]` as containerCreateArgs and
 *   probeCreateArgs make it.
 * @param env where a bare `--env NAME` takes its value from (the docker CLI reads its own
 *   environment); x11docker's environment by default.
 * @returns the body and `--name`, or `{ ok: false, reason }` naming the first flag or value that
 *   has no plain API form (the caller creates the container with the CLI then).
 */
export function createBody(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CreateRequest {
  const words = args[0] === 'create' ? args.slice(1) : [...args];
  const end = words.indexOf('--');
  if (end < 0 || end + 1 >= words.length) return { ok: false, reason: 'no `-- IMAGE` in the create arguments' };
  const raw = parseRawOptions(words.slice(0, end), true);
  if (raw.positionals.length > 0) return { ok: false, reason: `unexpected word ${raw.positionals[0]}` };
  const [image, ...cmd] = words.slice(end + 1) as [string, ...string[]];
  const body: CreateBody = {
    Image: image,
    ...(cmd.length > 0 ? { Cmd: cmd } : {}),
    Env: [],
    Labels: {},
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: false,
    StdinOnce: false,
    Tty: false,
    HostConfig: { Binds: [], Mounts: [], CapAdd: [], CapDrop: [], SecurityOpt: [], NetworkMode: 'default' },
  };
  const hc = body.HostConfig;
  let name: string | undefined;
  const list = (key: string) => ((hc[key] ??= []) as unknown[]);
  const map = (key: string) => ((hc[key] ??= {}) as Record<string, string>);
  try {
    for (const o of raw.options) translate(o);
  } catch (error) {
    if (error instanceof Untranslatable) return { ok: false, reason: error.message };
    throw error;
  }
  return { ok: true, ...(name !== undefined ? { name } : {}), body };

  function translate(o: RawOption): void {
    const v = o.value;
    const value = () => {
      if (v === undefined) throw new Untranslatable(`${o.flag} without a value`);
      return v;
    };
    const yes = () => {
      const b = goBool(v);
      if (b === undefined) throw new Untranslatable(o.text);
      return b;
    };
    switch (o.flag) {
      case '--name': name = value(); break;
      case '--init': hc.Init = yes(); break;
      case '--cap-add': hc.CapAdd.push(value()); break;
      case '--cap-drop': hc.CapDrop.push(value()); break;
      case '--security-opt': {
        const s = value();
        // the CLI sends a seccomp profile's content, not its path
        if (/^seccomp[=:]/.test(s) && !/^seccomp[=:]unconfined$/.test(s)) throw new Untranslatable(`--security-opt ${s}`);
        hc.SecurityOpt.push(s);
        break;
      }
      case '--label': { const [k, ...rest] = value().split('='); body.Labels[k!] = rest.join('='); break; }
      case '--network': hc.NetworkMode = value(); break;
      case '--runtime': hc.Runtime = value(); break;
      case '--cpus': {
        const n = Number(value());
        if (!Number.isFinite(n) || n < 0) throw new Untranslatable(o.text);
        hc.NanoCpus = Math.round(n * 1e9);
        break;
      }
      case '--memory': case '--memory-reservation': case '--shm-size': {
        const bytes = ramInBytes(value());
        if (bytes === undefined) throw new Untranslatable(o.text);
        hc[{ '--memory': 'Memory', '--memory-reservation': 'MemoryReservation', '--shm-size': 'ShmSize' }[o.flag]!] = bytes;
        break;
      }
      case '--memory-swap': {
        const bytes = value() === '-1' ? -1 : ramInBytes(value());
        if (bytes === undefined) throw new Untranslatable(o.text);
        hc.MemorySwap = bytes;
        break;
      }
      case '--pids-limit': hc.PidsLimit = Number(value()); break;
      case '--user': body.User = value(); break;
      case '--workdir': body.WorkingDir = value(); break;
      case '--hostname': body.Hostname = value(); break;
      case '--domainname': body.Domainname = value(); break;
      case '--entrypoint': body.Entrypoint = [value()]; break; // '' resets the image's, as the CLI sends it
      case '--env': {
        const e = value();
        if (e.includes('=')) body.Env.push(e);
        else if (env[e] !== undefined) body.Env.push(`${e}=${env[e]}`); // a bare NAME takes the caller's value, if set
        break;
      }
      case '--volume': {
        const spec = value();
        // one part (no source): an anonymous volume; else a bind or a named volume
        if (!spec.includes(':')) (body.Volumes ??= {})[spec] = {};
        else hc.Binds.push(spec);
        break;
      }
      case '--mount': hc.Mounts.push(mountOf(value())); break;
      case '--tmpfs': { const s = value(); const i = s.indexOf(':'); map('Tmpfs')[i < 0 ? s : s.slice(0, i)] = i < 0 ? '' : s.slice(i + 1); break; }
      case '--device': list('Devices').push(deviceOf(value())); break;
      case '--device-cgroup-rule': list('DeviceCgroupRules').push(value()); break;
      case '--group-add': list('GroupAdd').push(value()); break;
      case '--add-host': list('ExtraHosts').push(value().replace(/^([^:=]+)=/, '$1:')); break;
      case '--dns': list('Dns').push(value()); break;
      case '--dns-search': list('DnsSearch').push(value()); break;
      case '--dns-option': list('DnsOptions').push(value()); break;
      case '--ulimit': list('Ulimits').push(ulimitOf(value())); break;
      case '--sysctl': { const [k, ...rest] = value().split('='); map('Sysctls')[k!] = rest.join('='); break; }
      case '--ipc': hc.IpcMode = value(); break;
      case '--pid': hc.PidMode = value(); break;
      case '--uts': hc.UTSMode = value(); break;
      case '--userns': hc.UsernsMode = value(); break;
      case '--cgroupns': hc.CgroupnsMode = value(); break;
      case '--cgroup-parent': hc.CgroupParent = value(); break;
      case '--volumes-from': list('VolumesFrom').push(value()); break;
      case '--stop-signal': body.StopSignal = value(); break;
      case '--stop-timeout': body.StopTimeout = Number(value()); break;
      case '--read-only': hc.ReadonlyRootfs = yes(); break;
      case '--privileged': hc.Privileged = yes(); break;
      case '--rm': hc.AutoRemove = yes(); break;
      case '--oom-score-adj': hc.OomScoreAdj = Number(value()); break;
      case '--cpu-shares': hc.CpuShares = Number(value()); break;
      case '--cpuset-cpus': hc.CpusetCpus = value(); break;
      case '--interactive':
        if (yes()) Object.assign(body, { OpenStdin: true, StdinOnce: true, AttachStdin: true });
        break;
      case '--tty': body.Tty = yes(); break;
      case '--detach': case '--quiet': case '--sig-proxy': break; // the CLI's own behaviour, not the container's
      default:
        throw new Untranslatable(o.text);
    }
  }
}
