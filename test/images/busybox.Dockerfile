# A busybox-style image: no bash, no useradd, no GNU tools, no /etc/passwd, no X client.
# Debian's static busybox and its applet links, FROM scratch.
FROM x11docker-demo:latest AS build
RUN apt-get update && apt-get install -y --no-install-recommends busybox-static \
 && mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for a in $(/out/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "/out/bin/$a"; done
FROM scratch
COPY --from=build /out/ /
ENV PATH=/bin
CMD ["sh", "-c", "id"]
