# A full desktop for --desktop tests: Xfce (session, window manager, panel, desktop), like the
# reference's x11docker/xfce example image, without recommended extras. CMD starts the desktop.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends \
      xfce4-session xfwm4 xfce4-panel xfdesktop4 xfce4-settings dbus-x11 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
CMD ["startxfce4"]
