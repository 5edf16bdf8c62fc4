/**
 * `--limit[=FACTOR]` (upstream): CPU and memory limits for the container, planned from host facts
 * alone (see {@link planLimits}).
 */
import type { HostFacts } from '../host/facts.js';
import type { RawOptions } from '../options/raw-options.js';

/** docker's smallest memory limit (6 MiB), in bytes. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/**
 * `--limit=FACTOR` as upstream: FACTOR times the CPUs and the RAM free at start.
 * @param factor 0 < factor <= 1.
 * @param host `cpus` and `freeMemory` (bytes); without them nothing is limited. An engine
 *   without cgroups (`engine.noCgroups`) would drop the limits: a warning says so, nothing is set.
 * @param notes receives the note that says how much.
 * @param raw the raw options after `--`: their `--cpus` / `--memory` win, and the note says so.
 * @param warnings receives the warning for an engine without cgroups (default: `notes`).
 * @returns `cpus` rounded to 0.01 (at least 0.01), `memoryBytes` at least docker's 6 MiB.
 */
export function planLimits(factor: number, host: Pick<HostFacts, 'cpus' | 'freeMemory' | 'engine'>, notes: string[], raw?: RawOptions, warnings: string[] = notes): { cpus: number; memoryBytes: number } | undefined {
  if (host.engine?.noCgroups) {
    warnings.push(`Option --limit=${factor}: the container engine manages no cgroups here (CgroupDriver none: rootless docker on cgroup v1), so it cannot limit CPUs or memory; the container runs unlimited.`);
    return undefined;
  }
  if (!host.cpus || !host.freeMemory) return undefined;
  const cpus = Math.max(0.01, Math.round(host.cpus * factor * 100) / 100);
  const memoryBytes = Math.max(MIN_MEMORY_BYTES, Math.floor(host.freeMemory * factor));
  // raw --cpus / --memory after -- win (containerCreateArgs leaves ours out then)
  const cpuText = raw?.has('--cpus') ? 'the CPUs of your --cpus after --' : `${cpus} CPUs`;
  const memoryText = raw?.has('--memory') ? 'the RAM of your --memory after --' : `${Math.round(memoryBytes / 1024 / 1024)} MiB of RAM`;
  notes.push(`Option --limit=${factor}: the container may use ${cpuText} and ${memoryText}.`);
  return { cpus, memoryBytes };
}
