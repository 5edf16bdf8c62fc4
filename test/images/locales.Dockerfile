# A Debian image with locale sources (package locales, for --lang) and sudo (for --sudouser).
# No locale is compiled here: x11docker compiles the one --lang asks for.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends locales sudo \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man
