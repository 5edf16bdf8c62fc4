/**
 * The one table of x11docker's options. The parser (parse.ts), `--help` (help.ts) and later
 * front ends read it; nothing else lists options.
 *
 * Names, short letters and argument kinds follow upstream x11docker's getopt table
 * (`parse_options()` in mviereck/x11docker): short options never take a value, and an
 * optional value is only taken with `=` (`--network=host`), as getopt does for `name::`.
 */

/** Whether an option takes a value: never, always (`--user NAME` or `--user=NAME`), or only as `--opt=VALUE`. */
export type ArgKind = 'none' | 'required' | 'optional';

/** One row of the option table. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `xephyr`. */
  readonly name: string;
  /** Single-letter short option, if upstream has one (short options take no value). */
  readonly short?: string;
  /** Whether the option takes a value. */
  readonly arg: ArgKind;
  /** Name of the value in `--help`, e.g. `NAME` or `[=NET]`. */
  readonly valueName?: string;
  /** Section heading in `--help`. */
  readonly group: OptionGroup;
  /** Help text, one or more lines. */
  readonly help: string;
  /** Other long names accepted for the same option (e.g. `printenv` for `showenv`). */
  readonly aliases?: readonly string[];
  /** Can be given more than once; values are collected in order. */
  readonly repeatable?: boolean;
}

/** Sections of `--help`, in display order. */
export const optionGroups = [
  'General',
  'X server',
  'X server settings',
  'Container',
  'Container user',
  'Shared folders, HOME and locale',
  'Init system and services',
  'Devices and privileges',
  'Verbosity',
  'Installation and shell integration',
] as const;
/** A section of `--help`. */
export type OptionGroup = (typeof optionGroups)[number];

/** Names of the options that choose the X server (last one given wins, as upstream). */
export const xserverOptionNames = [
  'xpra', 'xpra-xwayland', 'xpra2', 'xpra2-xwayland', 'nxagent', 'xephyr', 'xvfb', 'xdummy', 'xorg', 'xwayland', 'weston-xwayland', 'kwin-xwayland',
  'hostdisplay', 'weston', 'kwin', 'hostwayland', 'nothing',
] as const;
/** An X server that can be chosen on the command line. */
export type XServerName = (typeof xserverOptionNames)[number];

/** Every option x11docker accepts. */
export const optionTable: readonly OptionSpec[] = [
  { name: 'help', arg: 'none', group: 'General', help: 'Show this message and exit. (-h alone also shows it.)' },
  { name: 'version', arg: 'none', group: 'General', help: 'Show the version number and exit.' },
  { name: 'license', arg: 'none', group: 'General', aliases: ['licence'], help: 'Show the license of x11docker (MIT) and exit.' },
  {
    name: 'preset', arg: 'required', valueName: 'NAME', group: 'General', repeatable: true,
    help: 'Options from the file ~/.config/x11docker/preset/NAME (else\n/etc/x11docker/preset/NAME), one or more per line, # for comments.\nA preset named default is applied to every run.',
  },
  {
    name: 'cleanup', arg: 'none', group: 'General',
    help: 'Remove what ended sessions left behind (containers, X servers,\ncache folders) whose x11docker process is gone, then exit.\nRunning sessions are left alone. As root: every host user\'s.',
  },
  {
    name: 'gui', arg: 'optional', valueName: '[=ADDR]', group: 'General',
    help: 'Start x11docker-gui: a web page to compose and run x11docker commands.\nListens on 127.0.0.1 with a per-start token in the URL.',
  },
  { name: 'xonly', arg: 'none', group: 'General', help: 'Only start a new empty X server; print its environment on stdout.' },
  {
    name: 'showenv', arg: 'optional', valueName: '[=FILE]', group: 'General', aliases: ['printenv'],
    help: 'Print DISPLAY, XAUTHORITY and XSOCKET of the new X server on stdout\n(or into FILE) for custom access:  read Xenv < <(x11docker --printenv ...)',
  },
  {
    name: 'printid', arg: 'optional', valueName: '[=FILE]', group: 'General', aliases: ['showid'],
    help: "Print the container's ID on stdout (or into FILE) once it runs.",
  },
  {
    name: 'printpid1', arg: 'optional', valueName: '[=FILE]', group: 'General', aliases: ['showpid1'],
    help: "Print the host PID of the container's PID 1 on stdout (or into FILE).",
  },
  {
    name: 'printinfofile', arg: 'optional', valueName: '[=FILE]', group: 'General', aliases: ['showinfofile'],
    help: "Print the path of the session's record (session.json: container ID,\nprocesses, display) on stdout (or into FILE).",
  },

  {
    name: 'xpra', short: 'a', arg: 'none', group: 'X server',
    help: 'xpra: application windows directly on your desktop (seamless),\nor the whole desktop in one window with --desktop. Needs xpra and Xvfb.',
  },
  { name: 'xpra-xwayland', short: 'A', arg: 'none', group: 'X server', help: 'xpra on Xwayland in Weston: like --xpra, with --gpu support.' },
  { name: 'xpra2', arg: 'none', group: 'X server', help: 'Like --xpra --xc, but runs the xpra client on the host: Xvfb and the xpra\nserver run from the X server image. Needs xpra on the host.' },
  { name: 'xpra2-xwayland', arg: 'none', group: 'X server', help: 'Like --xpra2, but with Xwayland in Weston (--gpu support).' },
  { name: 'nxagent', short: 'n', arg: 'none', group: 'X server', help: 'nxagent: seamless windows, or a desktop window with --desktop.\nFast and light; the default for a single application (no OpenGL).' },
  { name: 'xephyr', short: 'y', arg: 'none', group: 'X server', help: 'Xephyr: nested X server in a window on your display.\nDefault with --desktop.' },
  { name: 'xvfb', arg: 'none', group: 'X server', help: 'Xvfb: invisible X server in memory. Default without DISPLAY.' },
  { name: 'xdummy', arg: 'none', group: 'X server', help: 'Xdummy: invisible Xorg with the dummy video driver\n(xserver-xorg-video-dummy).' },
  { name: 'xorg', short: 'x', arg: 'none', group: 'X server', help: 'Core Xorg on a new virtual terminal. Switch with [CTRL][ALT][F1]...[F12].' },
  { name: 'xwayland', short: 'X', arg: 'none', group: 'X server', help: 'Xwayland in your running Wayland session.' },
  { name: 'weston-xwayland', short: 'Y', arg: 'none', group: 'X server', help: 'Weston with Xwayland: desktop mode, --gpu support.' },
  { name: 'kwin-xwayland', arg: 'none', group: 'X server', help: 'KWin with Xwayland: desktop mode, --gpu support.' },
  {
    name: 'hostdisplay', short: 'h', arg: 'none', group: 'X server',
    help: 'Share your display ($DISPLAY) instead of starting a new X server.\nBad container isolation: allows keylogging and remote control.',
  },
  {
    name: 'weston', short: 'T', arg: 'optional', valueName: '[=x|X]', group: 'X server',
    help: "Weston: Wayland compositor without X, for Wayland applications.\nx: '--weston-xwayland --wayland', X and Wayland applications side by side;\nX: the same with --desktop.",
  },
  { name: 'kwin', short: 'K', arg: 'none', group: 'X server', help: 'KWin: Wayland compositor without X, for Wayland applications.' },
  { name: 'hostwayland', short: 'H', arg: 'none', group: 'X server', help: 'Share your Wayland socket: single Wayland applications on your desktop.' },
  { name: 'nothing', arg: 'none', group: 'X server', help: 'No X server and no Wayland compositor at all.' },
  {
    name: 'xc', arg: 'optional', valueName: '[=yes|no|auto|IMAGE]', group: 'X server',
    help: 'Run the X server (or compositor) and its helpers in a container of image\nx11docker-xserver (or IMAGE): the host needs no X server packages.\nauto (default): only where the host lacks the display option\'s binaries.',
  },
  { name: 'wayland', short: 'W', arg: 'none', group: 'X server', help: 'Set up a Wayland environment without X (regards --desktop).' },
  { name: 'xw', arg: 'none', group: 'X server', help: 'X and Wayland applications side by side: --weston-xwayland --wayland\n(the container gets both the X display and Weston\'s Wayland socket).' },
  { name: 'waylandenv', arg: 'none', group: 'X server', help: 'Set toolkit variables for Wayland in the container\n(GDK_BACKEND, QT_QPA_PLATFORM, CLUTTER_BACKEND, SDL_VIDEODRIVER, ...).' },
  {
    name: 'exe', short: 'e', arg: 'none', group: 'X server',
    help: 'Run a host application instead of a container image:\n  x11docker --exe COMMAND   or   x11docker --exe -- COMMAND ARGS',
  },

  { name: 'desktop', short: 'd', arg: 'none', group: 'X server settings', help: 'The image runs a desktop environment.' },
  { name: 'display', arg: 'required', valueName: 'N', group: 'X server settings', help: 'Use display number N for the new X server.' },
  { name: 'size', arg: 'required', valueName: 'WxH', group: 'X server settings', help: 'Screen size of the new X server, e.g. 1024x768.' },
  { name: 'fullscreen', short: 'f', arg: 'none', group: 'X server settings', help: 'Fullscreen window (Xephyr, nxagent, xpra --desktop, Weston).' },
  {
    name: 'xeyes', arg: 'optional', valueName: '[=ARGS]', group: 'X server settings',
    help: "Run the host's xeyes on the new display (an X window that takes keys,\nas upstream suggests for --clipboard); ARGS are xeyes options, e.g. --xeyes=-shape.",
  },
  {
    name: 'runfromhost', arg: 'required', valueName: 'COMMAND', group: 'X server settings', repeatable: true,
    help: "Run shell COMMAND on the host, as you, on the new display before the\ncontainer starts; x11docker waits for it (end it with & to keep it running).",
  },
  { name: 'composite', arg: 'optional', valueName: '[=yes|no]', group: 'X server settings', help: 'Turn the X extension Composite on (yes, also without a value) or off on\nthe new X server. Default: the server\'s own.' },
  {
    name: 'xopt', arg: 'required', valueName: 'ARGS', group: 'X server settings', repeatable: true,
    help: 'Add ARGS to the new X server\'s command, e.g. --xopt="-dpms". Arguments that\nundo its hardening (-ac, -listen, +extension XTEST) get a warning.',
  },
  {
    name: 'checkwindow', arg: 'optional', valueName: '[=ARG]', group: 'X server settings',
    help: "End the session when the application's windows are closed (for self-forking\nor endless applications). With ARG: as long as the window list\n(xwininfo -root -children) contains ARG.",
  },
  { name: 'xlogo', arg: 'none', group: 'X server settings', help: "Run the host's xlogo on the new display (like --xeyes)." },
  {
    name: 'wm', arg: 'required', valueName: 'WINDOWMANAGER', group: 'X server settings',
    help: 'Host window manager for a desktop-only X server (Xephyr) when no\nseamless server is installed, e.g. --wm openbox. none: no window manager.',
  },
  {
    name: 'clipboard', short: 'c', arg: 'optional', valueName: '[=yes|no|c2h|h2c|cmv]', group: 'X server settings',
    help: 'Share the clipboard with your display. Weakens isolation (the container\nreads what you copy). yes: both ways (default); c2h: container to host only;\nh2c: host to container only; cmv: as c2h, and Ctrl+Super+V on the new display\ngives it your clipboard. Needs xclip except for yes with --xpra and --nxagent.',
  },
  {
    name: 'html', arg: 'optional', valueName: '[=[ADDR:]PORT]', group: 'X server settings',
    help: 'Show the app in a web browser: Xvfb + x11vnc + websockify + noVNC.\nListens on 127.0.0.1 (a free port unless PORT is given) with a\nper-session password; prints the URL on stdout (HTML_URL=...).',
  },
  {
    name: 'xtest', arg: 'optional', valueName: '[=yes|no]', group: 'X server settings',
    help: 'Enable (yes) or disable (no) the X extension XTEST on the new X server.\nDefault: off, on only where xpra or x11vnc need it. Enabling it lets\ncontainer apps fake keyboard and mouse input on that display.',
  },
  {
    name: 'scale', arg: 'required', valueName: 'N', group: 'X server settings',
    help: 'Scale (zoom) factor N: --xpra and --xpra-xwayland 0.25 to 8.0, --weston\nand --weston-xwayland whole numbers 1 to 9. The screen is N times smaller.',
  },
  {
    name: 'rotate', arg: 'required', valueName: 'N', group: 'X server settings',
    help: 'Rotate the screen (--weston, --weston-xwayland): 0, 90, 180, 270, flipped,\nflipped-90, flipped-180, flipped-270 (flipped means mirrored).',
  },
  { name: 'output-count', arg: 'required', valueName: 'N', group: 'X server settings', help: 'Multiple virtual monitors (1 to 9) for --weston, --weston-xwayland,\n--kwin and --kwin-xwayland.' },
  {
    name: 'border', arg: 'optional', valueName: '[=COLOR]', group: 'X server settings',
    help: "Draw a coloured border around the windows of --xpra and --xpra-xwayland.\nCOLOR e.g. orange or '#F00', with a width: red,3. Default: blue,1.",
  },
  { name: 'xfishtank', short: 'F', arg: 'none', group: 'X server settings', help: "Show a fish tank on the new X server (the host's xfishtank)." },
  { name: 'westonini', arg: 'required', valueName: 'FILE', group: 'X server settings', help: 'Custom weston.ini for --weston, --weston-xwayland and --xpra-xwayland.' },
  { name: 'vt', arg: 'optional', valueName: '[=N]', group: 'X server settings', help: 'Virtual terminal N for --xorg. Without N: the default, 8.' },
  {
    name: 'xauth', arg: 'optional', valueName: '[=yes|trusted|untrusted|no]', group: 'X server settings',
    help: 'X cookie authentication. yes, trusted (default): a trusted cookie.\nuntrusted: an untrusted cookie (X extension SECURITY limits the client).\nno: no cookie; every local process can use the new X server. SECURITY RISK.',
  },
  {
    name: 'xhost', arg: 'optional', valueName: '[=STR]', group: 'X server settings',
    help: "Run \"xhost STR\" on the new X server (see man xhost). Without STR:\n+SI:localuser:USER of the container user. Use with care: --xhost=+\nallows access for everyone.",
  },
  { name: 'clean-xhost', arg: 'none', group: 'X server settings', help: 'Remove every xhost permission of your own display (DISPLAY) and turn\nits access control on (xhost -).' },
  {
    name: 'xoverip', arg: 'optional', valueName: '[=yes|no|listentcp|socat]', group: 'X server settings',
    help: 'The container reaches the new X server over TCP (needs --network) instead\nof its socket. yes, listentcp: the server listens (-listen tcp);\nsocat: a socat relay to its socket; no: off (default).',
  },
  { name: 'dpi', arg: 'required', valueName: 'N', group: 'X server settings', help: 'Dots per inch for X clients (Xft.dpi) on the new X server, e.g. --dpi=144.' },
  { name: 'keymap', arg: 'required', valueName: 'LAYOUT', group: 'X server settings', help: 'Keyboard layout of the new X server, e.g. de, us, ru\n(setxkbmap; see /usr/share/X11/xkb/symbols).' },

  { name: 'env', arg: 'required', valueName: 'NAME=VALUE', group: 'Container', repeatable: true, help: 'Set environment variable NAME=VALUE in the container.' },
  { name: 'name', arg: 'required', valueName: 'NAME', group: 'Container', help: 'Name of the container.' },
  { name: 'runtime', arg: 'required', valueName: 'RUNTIME', group: 'Container', help: 'Container runtime of the engine, e.g. runc, crun, nvidia, kata-runtime\n(docker run --runtime).' },
  {
    name: 'limit', arg: 'optional', valueName: '[=FACTOR]', group: 'Container',
    help: 'Limit the container to FACTOR times the CPUs and the RAM that are free at start\n(0 < FACTOR <= 1, default 0.5): docker run --cpus and --memory.',
  },
  { name: 'shell', arg: 'required', valueName: 'SHELL', group: 'Container user', help: "The container user's login shell (passwd) and SHELL, e.g. --shell=/bin/zsh.\nDefault: /bin/sh." },
  { name: 'workdir', arg: 'required', valueName: 'DIR', group: 'Container', help: "Working directory in the container.\nDefault: the image's WORKDIR, else HOME." },
  {
    name: 'network', short: 'I', arg: 'optional', valueName: '[=NET]', group: 'Container',
    help: 'Allow network access. Default: no network (--network=none).\nWithout NET: the engine\'s default network. NET=host: see --hostnet.',
  },
  { name: 'hostnet', arg: 'none', group: 'Container', help: "Share the host's network stack (--network=host).\nSevere reduction of container isolation." },
  { name: 'backend', arg: 'required', valueName: 'ENGINE', group: 'Container', help: 'Container engine: docker (default), podman or nerdctl; kubernetes (preview):\nthe session as one pod in the cluster of your kubeconfig context.' },
  {
    name: 'rootless', arg: 'optional', valueName: '[=yes|no]', group: 'Container',
    help: "Use (or disallow) a rootless engine. docker: your rootless daemon's socket\n(DOCKER_HOST, default /run/user/UID/docker.sock); =no: the rootful daemon.\nWithout it: docker rootful unless DOCKER_HOST says otherwise,\npodman rootless except as root.",
  },
  {
    name: 'kube-manifest', arg: 'none', group: 'Container',
    help: 'Print the Kubernetes manifest of the session (Secret, NetworkPolicy, PVC, Pod)\nand start nothing: review it, then kubectl apply -f or podman kube play it.',
  },
  { name: 'kube-namespace', arg: 'required', valueName: 'NS', group: 'Container', help: 'Namespace of the Kubernetes objects. Default: the namespace of the\nkubeconfig context (default).' },
  { name: 'kube-context', arg: 'required', valueName: 'CTX', group: 'Container', help: 'kubeconfig context for --backend=kubernetes. Default: the current\ncontext (kubectl config current-context).' },
  {
    name: 'interactive', short: 'i', arg: 'none', group: 'Container',
    help: 'Interactive: stdin goes to the container command, with a pseudo-terminal\nwhen stdin is a terminal. For shells:  x11docker -i IMAGE bash',
  },
  { name: 'stdin', arg: 'none', group: 'Container', help: 'Forward stdin to the container command as it is, without a pseudo-terminal.' },
  { name: 'tty', short: 't', arg: 'none', group: 'Container', help: 'Terminal only: no X or Wayland server (as --nothing), interactive as -i.' },
  {
    name: 'no-setup', arg: 'none', group: 'Container',
    help: "Write nothing into the container (no user, HOME or passwd entry): the command\nruns as UID:GID without a name, or as the image's USER with --user=RETAIN.",
  },
  { name: 'no-entrypoint', arg: 'none', group: 'Container', help: "Leave out the image's ENTRYPOINT: the command (or the image's CMD) runs alone." },

  {
    name: 'user', arg: 'required', valueName: 'USER', group: 'Container user',
    help: 'Container user: a name, UID, UID:GID or root. Default: the host user.\n--user=RETAIN keeps the image\'s USER and skips the user set-up.',
  },
  {
    name: 'sudouser', arg: 'optional', valueName: '[=yes|nopasswd|no]', group: 'Container user',
    help: 'Allow sudo for the container user, password x11docker (=nopasswd: no\npassword). Adds capabilities and allows new privileges: reduced isolation.',
  },
  {
    name: 'password', arg: 'optional', valueName: '[=WORD]', group: 'Container user',
    help: "Set the container user's password for --sudouser, and exit. Stored\nencrypted in ~/.config/x11docker/passwd. Without WORD: typed in the terminal.",
  },
  { name: 'hostuser', arg: 'required', valueName: 'USER', group: 'Container user', help: 'Host user to run X as and to mirror in the container\n(when x11docker runs as root). Default: the invoking user.' },
  { name: 'group-add', arg: 'required', valueName: 'GROUP', group: 'Container user', repeatable: true, help: 'Add the container user to group GROUP (name or GID). Repeatable.' },

  {
    name: 'home', short: 'm', arg: 'optional', valueName: '[=DIR|VOLUME]', group: 'Shared folders, HOME and locale',
    help: 'Persistent HOME: host folder ~/x11docker/IMAGENAME (created, owned by\nyou) mounted as the container user\'s HOME. --home=DIR (beginning with /)\nuses DIR instead; --home=VOLUME (no /) a named engine volume, HOME then\n/home.volume/VOLUME/USER.',
  },
  { name: 'homedir', arg: 'required', valueName: 'DIR|VOLUME', group: 'Shared folders, HOME and locale', help: 'Host folder DIR or volume VOLUME as persistent HOME (same as --home=DIR).' },
  {
    name: 'cachebasedir', arg: 'required', valueName: 'DIR', group: 'Shared folders, HOME and locale',
    help: "Folder for x11docker's cache (session folders with cookies and sockets)\ninstead of ~/.cache/x11docker. Created (mode 0700) if missing.",
  },
  { name: 'homebasedir', arg: 'required', valueName: 'DIR', group: 'Shared folders, HOME and locale', help: 'Folder in which --home keeps DIR/IMAGENAME instead of ~/x11docker.' },
  {
    name: 'sharedir', arg: 'required', valueName: 'DIR|VOLUME[:ro]', group: 'Shared folders, HOME and locale', aliases: ['share'], repeatable: true,
    help: 'Share host folder (or file) DIR (beginning with /) at the same path in the\ncontainer, or a named engine volume VOLUME (no /) at /VOLUME.\nAppend :ro for read-only. Can be given more than once.',
  },
  {
    name: 'lang', short: 'l', arg: 'optional', valueName: '[=LOCALE]', group: 'Shared folders, HOME and locale',
    help: 'Language locale, e.g. --lang=de (de_DE.UTF-8) or --lang=zh_CN. Without\nLOCALE: your $LANG. Created with localedef if the image has locales.',
  },
  {
    name: 'init', arg: 'optional', valueName: '[=INIT]', group: 'Init system and services',
    help: 'PID 1 in the container: tini (default, the engine\'s --init),\nsystemd, runit, openrc, sysvinit, s6-overlay (/init of the image) or none.',
  },
  { name: 'no-init', arg: 'none', group: 'Init system and services', help: 'No init in the container (same as --init=none).' },
  { name: 'systemd', arg: 'none', group: 'Init system and services', help: 'systemd as PID 1 (same as --init=systemd). Adds some capabilities,\nshares the cgroup hierarchy /sys/fs/cgroup/systemd.' },
  { name: 'runit', arg: 'none', group: 'Init system and services', help: 'runit as PID 1 (same as --init=runit). Adds some capabilities.' },
  { name: 'openrc', arg: 'none', group: 'Init system and services', help: 'OpenRC as PID 1 (same as --init=openrc). Adds some capabilities.' },
  { name: 'sysvinit', arg: 'none', group: 'Init system and services', help: 'SysVinit as PID 1 (same as --init=sysvinit). Adds some capabilities.' },
  { name: 'dbus', arg: 'optional', valueName: '[=system]', group: 'Init system and services', help: 'Run the command in a dbus user session\n(dbus-launch, else dbus-run-session; package dbus-x11 in the image).\n--dbus=system: also the system daemon, as --dbus-system. =yes|user|session: the\nuser session only; =no: none.' },
  {
    name: 'runasroot', arg: 'required', valueName: 'COMMAND', group: 'Init system and services', repeatable: true,
    help: 'Run shell COMMAND as root in the container at start, before the image command\n(e.g. "service cups start"). Adds capabilities CHOWN, SETGID, SETUID.',
  },
  {
    name: 'runasuser', arg: 'required', valueName: 'COMMAND', group: 'Init system and services', repeatable: true,
    help: 'Run shell COMMAND as the container user at start, before the image command\n(e.g. "xrdb -merge ~/.Xresources"). A failure is a note.',
  },
  { name: 'dbus-system', arg: 'none', group: 'Init system and services', help: 'Start the dbus system daemon in the container; includes --dbus.\nAdds some capabilities.' },

  {
    name: 'pulseaudio', short: 'p', arg: 'optional', valueName: '[=socket|host|tcp]', group: 'Devices and privileges',
    help: "Sound with PulseAudio: shares the host's PulseAudio socket and cookie.\nhost: the same socket read-only at /tmp/pulseaudio.socket.host, as upstream.\ntcp: a TCP module loaded into your PulseAudio for the session (pactl);\nneeds --network. Allows catching audio output and microphone input.",
  },
  {
    name: 'pipewire', arg: 'none', group: 'Devices and privileges',
    help: "Sound with PipeWire: shares your PipeWire socket (PIPEWIRE_REMOTE) and\npipewire-pulse's socket (PULSE_SERVER). Needs pipewire on the host and\nits client libraries in the image. Allows catching audio output and\nmicrophone input.",
  },
  { name: 'alsa', arg: 'optional', valueName: '[=CARD]', group: 'Devices and privileges', help: 'Sound with ALSA: shares /dev/snd. CARD sets ALSA_CARD (see aplay -l).\nAllows catching audio output and microphone input.' },
  {
    name: 'gpu', short: 'g', arg: 'optional', valueName: '[=yes|no|iglx]', group: 'Devices and privileges',
    help: 'Hardware acceleration: shares /dev/dri (and NVIDIA devices).\nAllows GPU access: window content leaks and GPU rootkits are possible.\n=iglx also allows indirect rendering (+iglx, --xorg only). =no: none.',
  },
  {
    name: 'newprivileges', arg: 'optional', valueName: '[=yes|no|auto]', group: 'Devices and privileges',
    help: "yes: leave out --security-opt=no-new-privileges (setuid programs can gain\nprivileges; weakens isolation). no: always set it (sudo then cannot\nwork with --sudouser). auto (default): yes only for --sudouser.\nWithout a value: yes.",
  },
  {
    name: 'ipc', arg: 'optional', valueName: '[=ARG]', group: 'Devices and privileges',
    help: 'Without ARG: --ipc=host, as --hostipc (discouraged). ARG: an IPC mode of\ndocker run: host, private, shareable, none, container:NAME; no: the default.',
  },
  { name: 'sharecgroup', arg: 'none', group: 'Devices and privileges', help: "Share the host's /sys/fs/cgroup read-only (e.g. for elogind with an init\nsystem). Shows the host's cgroup tree in the container." },
  { name: 'hostipc', arg: 'none', group: 'Devices and privileges', help: 'Share the host IPC namespace (--ipc=host): allows MIT-SHM.\nReduces container isolation.' },
  { name: 'cap-default', arg: 'none', group: 'Devices and privileges', help: "Keep the engine's default capabilities (no --cap-drop=ALL).\nReduces container isolation." },
  { name: 'sys-admin', arg: 'none', group: 'Devices and privileges', help: 'Add capability SYS_ADMIN. VERY insecure: allows escaping the container.' },
  { name: 'sharessh', arg: 'none', group: 'Devices and privileges', help: "Share your SSH agent (SSH_AUTH_SOCK) with the container.\nIt can use your SSH keys through the agent while it runs." },
  { name: 'hostdbus', arg: 'none', group: 'Devices and privileges', help: "Connect the container to your host DBus session.\nReduces isolation: it can talk to your session's services." },
  { name: 'webcam', arg: 'none', group: 'Devices and privileges', help: 'Share the webcams (/dev/video*). The container can watch and record you.' },
  {
    name: 'printer', short: 'P', arg: 'optional', valueName: '[=socket|tcp]', group: 'Devices and privileges',
    help: "Share your printers through the host's CUPS socket (socket, default; also\nauto), or =tcp: CUPS_SERVER is the host's port 631 (needs --network and a\ncupsd that allows the container). The container can print and see your jobs.",
  },

  { name: 'verbose', short: 'v', arg: 'none', group: 'Verbosity', help: 'Show the log on stderr, with every command and its duration.' },
  { name: 'debug', short: 'D', arg: 'none', group: 'Verbosity', help: 'Like --verbose, with more detail.' },
  { name: 'quiet', short: 'q', arg: 'none', group: 'Verbosity', help: 'Only show errors.' },
  {
    name: 'fallback', arg: 'optional', valueName: '[=yes|no]', group: 'General',
    help: 'no: end with an error instead of going on when an option given cannot be\nfulfilled here (no device to share, an option the X server ignores, a worse\nX server chosen automatically). Default: yes (a note, as upstream).',
  },
  { name: 'printcheck', arg: 'none', group: 'Verbosity', help: 'Show the dependency check of the X server options: for each one the\nchoice looks at, whether it can run here or what is missing.' },

  {
    name: 'completion', arg: 'required', valueName: 'SHELL', group: 'Installation and shell integration',
    help: 'Print the completion script for SHELL (bash, zsh or fish) and exit, e.g.\n  source <(x11docker --completion bash)',
  },
  {
    name: 'install', arg: 'none', group: 'Installation and shell integration',
    help: 'Install for you (no root) the menu entry of x11docker-gui, the icon,\nthe man page and the bash, zsh and fish completions (~/.local/share,\n~/.config/fish), then exit. The program itself: npm install -g.',
  },
  {
    name: 'update', arg: 'optional', valueName: '[=diff]', group: 'Installation and shell integration',
    help: 'Show how to update x11docker with npm, and exit (npm installs and updates it;\nupstream downloads its latest release). =diff: how to compare versions.',
  },
  {
    name: 'launcher', arg: 'none', group: 'Installation and shell integration',
    help: 'Create a menu entry (~/.local/share/applications/x11docker-IMAGE.desktop)\nthat runs x11docker with the current options, and exit.',
  },
  {
    name: 'remove', arg: 'none', group: 'Installation and shell integration',
    help: 'Remove the files --install wrote (only those), then exit.\nThe program itself: npm uninstall -g x11docker.',
  },
];

/** What became of an upstream option that this version does not list: see {@link retiredOptions}. */
export interface RetiredOption {
  /** A note printed when the option is given; the option has no effect of its own. */
  readonly note?: string;
  /** The option now takes the effect of this table row (e.g. `quiet` for `--silent`). */
  readonly sameAs?: string;
  /** The option is refused with this one-line error. */
  readonly error?: string;
}

const installedByNpm = 'x11docker for TypeScript is installed and updated by npm, not by itself: npm install -g PATH_OR_PACKAGE (or npm uninstall -g x11docker to remove it).';

/**
 * Options of upstream x11docker that this version keeps only to say what became of them, so a
 * command line copied from upstream's README (e.g. its troubleshooting advice
 * `--stdout --stderr --silent`) still works or fails with a reason. Keyed by long name, or by
 * the short option with its dash (`-V`).
 * Upstream: `parse_options()` in mviereck/x11docker, where these are deprecated or installer commands.
 */
export const retiredOptions: Readonly<Record<string, RetiredOption>> = {
  stdout: { note: "Option --stdout is not needed: the command's standard output is always shown." },
  stderr: { note: "Option --stderr is not needed: the command's standard error is always shown." },
  silent: { sameAs: 'quiet', note: 'Option --silent is called --quiet (-q) now.' },
  auto: { note: 'Option --auto is not needed: x11docker chooses the X server automatically unless an X server option is given.' },
  'no-internet': { note: 'Option --no-internet is not needed: containers have no network unless --network (-I) is given.' },
  'update-master': { error: `Option --update-master: ${installedByNpm}` },
  // upstream 7.x: -V is "verbose with colored output"; x11docker's messages are coloured on a terminal anyway
  '-V': { sameAs: 'verbose' },
  // upstream's -w is --wm without a value (a host window manager found automatically); here --wm takes one
  '-w': { error: 'Option -w: give the host window manager with --wm COMMAND (e.g. --wm openbox); --wm takes a value here, so it has no short letter.' },
};

/**
 * Finds a table row by long name, alias or short letter.
 * @param key `xephyr`, `printenv` or `y` (no dashes).
 * @returns the row, or undefined for an unknown option.
 */
export function findOption(key: string): OptionSpec | undefined {
  return optionTable.find((o) => o.name === key || o.short === key || o.aliases?.includes(key));
}
