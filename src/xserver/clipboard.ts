import type { DisplayContext, DisplayLaunch, ProcessSpec } from './driver.js';

/**
 * `--clipboard` on a server without clipboard sharing of its own: the launch gets one more
 * process, x11docker's clipboard synchroniser (src/clipboard/sync.ts), started after the display
 * is ready, as the host user, on the user's display (`connectsTo: 'host'`) and on the new one
 * (its client cookie file). It shares the CLIPBOARD selection in both directions with host
 * `xclip`, as upstream x11docker does. Not essential: if it fails, the session goes on without
 * clipboard sharing. Stopped first at session end (processes stop in reverse order).
 * @param launch the driver's launch.
 * @param ctx the display context the launch was made for.
 * @param command the synchroniser's command, e.g. `[node, '/path/dist/x11docker-clipboard.js']`.
 * @param mode upstream's `--clipboard` value: `yes` (both ways), `c2h`, `h2c` or `cmv` (see sync.ts).
 * @returns the launch with the synchroniser appended.
 */
export function withClipboardSync(launch: DisplayLaunch, ctx: Pick<DisplayContext, 'display' | 'clientAuthFile'>, command: readonly string[], mode: 'yes' | 'c2h' | 'h2c' | 'cmv' = 'yes'): DisplayLaunch {
  const sync: ProcessSpec = {
    role: 'clipboard sync',
    binary: command[0]!,
    args: [...command.slice(1), '--display', `:${ctx.display}`, '--xauthority', ctx.clientAuthFile, '--direction', mode === 'yes' ? 'both' : mode],
    connectsTo: 'host',
    ready: { kind: 'line', pattern: /clipboard sync ready/ },
    essential: false,
  };
  return { ...launch, processes: [...launch.processes, sync] };
}
