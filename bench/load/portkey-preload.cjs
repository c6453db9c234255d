// Preloaded into the Portkey gateway (node --require) by run.sh. Two adjustments, neither of which changes
// what Portkey does per request beyond one Response wrapper:
// 1. Loopback only. Portkey's start-server.js calls serve({ port }) without a hostname, which binds every
//    interface; every listen() on a TCP port is bound to 127.0.0.1 instead.
// 2. Streaming on Node. Portkey 1.15.2 appends x-portkey-* headers to the Response that fetch() returned, whose
//    headers are immutable on Node's undici, so every streamed answer fails with "TypeError: immutable"
//    (Portkey-AI/gateway#1389, #1550). fetch() results are re-wrapped in a Response with mutable headers.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackListen(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const rest = args.slice(1).filter((a) => typeof a !== 'string'); // drop any host argument
    return listen.call(this, Number(args[0]), '127.0.0.1', ...rest);
  }
  if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) {
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};

const fetch = globalThis.fetch;
globalThis.fetch = async function fetchWithMutableHeaders(...args) {
  const response = await fetch(...args);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
