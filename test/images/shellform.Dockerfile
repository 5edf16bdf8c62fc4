# Shell-form CMD, ENV values with spaces and '=', and a WORKDIR: x11docker must behave exactly as 'docker run'.
FROM x11docker-demo:latest
ENV GREETING="hello  world" EQUATION="a=b c=d"
WORKDIR /opt/work
CMD echo "cmd: $GREETING" "[$EQUATION]" && pwd
