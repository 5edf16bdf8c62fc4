# A light desktop for --desktop tests: the fluxbox window manager with its toolbar (panel) and
# root menu, like the reference's x11docker/fluxbox example image. CMD starts the desktop.
# Default style bora_blue: a plain background colour (Debian's style wants a wallpaper setter).
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends fluxbox \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && sed -i 's|^session.styleFile:.*|session.styleFile: /usr/share/fluxbox/styles/bora_blue|' /etc/X11/fluxbox/init
CMD ["startfluxbox"]
