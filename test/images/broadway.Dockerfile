# The GTK broadway recipe of upstream's README (--nothing, -- --publish): broadwayd (libgtk-3-bin)
# serves GTK windows to a browser over HTTP; zenity --entry is the GTK app that prints what was
# typed into it.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends libgtk-3-bin zenity \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
