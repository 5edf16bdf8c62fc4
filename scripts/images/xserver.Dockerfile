# The X servers, compositors and their helpers for --xc ("X server in container", as upstream's
# x11docker/xserver image): every display option that can run from a container finds its binaries
# here, so the host needs no X packages (x11vnc: the VNC server of a --backend=kubernetes --html pod). Built by scripts/setup.sh as x11docker-xserver:latest from
# Debian's packages on the demo image's debootstrap root filesystem. x11docker runs it as the host
# user, without capabilities, with no-new-privileges, without network and with a read-only root
# file system (src/plan/xcontainer.ts).
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends \
      xvfb xserver-xephyr nxagent xpra python3-gi-cairo python3-pil weston xwayland x11vnc \
      xauth x11-xserver-utils x11-xkb-utils \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
CMD ["Xvfb", "-help"]
