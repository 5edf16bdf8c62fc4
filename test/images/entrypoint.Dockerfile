# An image with USER, ENTRYPOINT and WORKDIR: x11docker keeps the ENTRYPOINT and WORKDIR and
# appends the command, as 'docker run' does (the USER is replaced by the host user unless --user=RETAIN).
FROM x11docker-demo:latest
RUN useradd --create-home --uid 4321 appuser && mkdir -p /srv/app && chown appuser /srv/app \
 && printf '#!/bin/sh\necho "entrypoint: user=$(id -un) pwd=$(pwd) args=$*"\nexec "$@"\n' >/usr/local/bin/entry \
 && chmod 755 /usr/local/bin/entry
USER appuser
WORKDIR /srv/app
ENTRYPOINT ["/usr/local/bin/entry"]
CMD ["xeyes"]
