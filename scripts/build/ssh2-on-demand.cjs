// Stands in for the `ssh2` package in x11docker's bundles (esbuild --alias:ssh2=...). docker-modem
// requires ssh2 when it loads, which costs ~60 ms of every x11docker start; ssh2 is needed only
// for an ssh:// DOCKER_HOST. The real package is loaded from node_modules on first use.
'use strict';
const name = 'ssh2';
class Client {
  constructor(...args) {
    // the real Client is returned in place of this object
    return new (require(name).Client)(...args);
  }
}
module.exports = { Client };
