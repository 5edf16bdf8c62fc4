# The keyboard layout tests: setxkbmap -query in the container prints the new X server's XKB rule
# names (x11-xkb-utils; it reads the rules of xkb-data), xmodmap -pke its keymap (x11-xserver-utils).
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends x11-xkb-utils xkb-data x11-xserver-utils \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
