# Init systems, dbus and a PulseAudio client for the init/service and sound tests (issue 4):
# systemd (not systemd-sysv, so /sbin/init stays SysVinit's), runit, OpenRC, SysVinit,
# dbus with dbus-launch, and pactl.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends \
      systemd sysvinit-core runit openrc dbus dbus-x11 pulseaudio-utils \
    && rm -rf /var/lib/apt/lists/*
