# ssh-add in the container for the --sharessh test: it lists the keys of the host's SSH agent.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
