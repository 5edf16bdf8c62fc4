# xclip in the container for the --clipboard tests: the app side copies and pastes with it.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends xclip \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
