# An OpenGL (GLX) client for the GLX tests: glxinfo and glxgears from mesa-utils, and Mesa's
# software renderers (llvmpipe, softpipe: swrast_dri.so in libgl1-mesa-dri), so GLX renders in
# the container without a GPU.
FROM x11docker-demo:latest
RUN apt-get update && apt-get install -y --no-install-recommends mesa-utils libgl1-mesa-dri \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
CMD ["glxgears"]
