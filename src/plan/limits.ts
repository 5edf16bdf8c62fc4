/** `--limit`: the container's share of the host's CPUs and free RAM (pure). */
import type { HostFacts } from '../host/facts.js';
import type { RawOptions } from '../options/raw-options.js';

/** docker's smallest memory limit (6 MiB), in bytes. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/**
 * `--limit=FACTOR` as upstream: FACTOR times the CPUs and the RAM free at start.
 * @param factor 0 < factor <= 1.
 * @param host `cpus` and `freeMemory` (bytes); without them nothing is limited.
 * @param notes receives the note that says how much.
 * @param raw the raw options after `--`: their `--cpus` / `--memory` win, and the note says so.
 * @returns `cpus` rounded to 0.01 (at least 0.01), `memoryBytes` at least docker's 6 MiB.
 */
export function planLimits(factor: number, host: Pick<HostFacts, 'cpus' | 'freeMemory'>, notes: string[], raw?: RawOptions): { cpus: number; memoryBytes: number } | undefined {
  if (!host.cpus || !host.freeMemory) return undefined;
  const cpus = Math.max(0.01, Math.round(host.cpus * factor * 100) / 100);
  const memoryBytes = Math.max(MIN_MEMORY_BYTES, Math.floor(host.freeMemory * factor));
  // raw --cpus / --memory after -- win (containerCreateArgs leaves ours out then)
  const cpuText = raw?.has('--cpus') ? 'the CPUs of your --cpus after --' : `${cpus} CPUs`;
  const memoryText = raw?.has('--memory') ? 'the RAM of your --memory after --' : `${Math.round(memoryBytes / 1024 / 1024)} MiB of RAM`;
  notes.push(`Option --limit=${factor}: the container may use ${cpuText} and ${memoryText}.`);
  return { cpus, memoryBytes };
}
