# No shell at all: one static binary and nothing else (no /bin/sh, no /etc). It is Debian's static
# busybox, installed as /echo so that it runs its echo applet; x11docker must run it directly.
FROM x11docker-test-busybox-x11:latest AS src
FROM scratch
COPY --from=src /bin/busybox /echo
ENTRYPOINT ["/echo"]
CMD ["static binary ran"]
