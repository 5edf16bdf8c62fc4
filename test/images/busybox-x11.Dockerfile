# A busybox-style image: no bash, no useradd, no GNU tools, no /etc/passwd. Debian's static busybox
# and its applet links, FROM scratch, plus one X client (xeyes) with only the shared libraries
# it links to (no shell or tools come with them).
FROM x11docker-demo:latest AS build
RUN apt-get update && apt-get install -y --no-install-recommends busybox-static \
 && mkdir -p /out/bin /out/usr/bin && cp /bin/busybox /out/bin/busybox \
 && for a in $(/out/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "/out/bin/$a"; done \
 && cp /usr/bin/xeyes /out/usr/bin/xeyes \
 && for lib in $(ldd /usr/bin/xeyes | awk '$3 ~ /^\// {print $3} $1 ~ /^\/lib/ {print $1}'); do cp --parents -L "$lib" /out; done
FROM scratch
COPY --from=build /out/ /
ENV PATH=/bin:/usr/bin
CMD ["sh", "-c", "id"]
