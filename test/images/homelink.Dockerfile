# An ostree-style image (Fedora Silverblue, CoreOS): /home is a symbolic link to var/home.
# x11docker must create the container user's HOME through the link, not replace it.
FROM x11docker-demo:latest
RUN rmdir /home && mkdir -p /var/home && ln -s var/home /home
