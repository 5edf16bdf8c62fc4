# Wayland clients for the --weston / --wayland tests: weston's demo clients (weston-simple-shm,
# weston-terminal, ...) come with Debian's weston package.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends weston \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
CMD ["weston-simple-shm"]
