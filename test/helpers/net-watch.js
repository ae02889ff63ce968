// Preloaded into a Node-RED process (NODE_OPTIONS=--require <this file>) to record every way
// it could reach the network: TCP/TLS connects (http, https and undici all end in
// net.Socket#connect), DNS lookups and UDP sends. One JSON line per attempt goes to the file
// named by V2C_NET_LOG, before the attempt is made, so even one that hangs is seen.
// Plain JavaScript: it runs before anything could compile TypeScript.
'use strict';
const dgram = require('node:dgram');
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const logFile = process.env.V2C_NET_LOG;
if (!logFile) throw new Error('net-watch: set V2C_NET_LOG to the file to record into');

function record(kind, target) {
  fs.appendFileSync(logFile, JSON.stringify({ kind, ...target }) + '\n');
}

/** host/port (or a unix socket path) from any form net.Socket#connect is called with. */
function targetOf(args) {
  // net.connect() hands connect() its normalised [options, callback] array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    if (first.path) return { path: String(first.path) };
    return { host: first.host === undefined ? 'localhost' : String(first.host), port: Number(first.port) };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  record('connect', targetOf(args));
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  record('lookup', { host: String(hostname) });
  return lookup.call(this, hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function (hostname, ...rest) {
  record('lookup', { host: String(hostname) });
  return lookupPromise.call(this, hostname, ...rest);
};
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const original = dns[name];
  dns[name] = function (hostname, ...rest) {
    record('resolve', { host: String(hostname) });
    return original.call(this, hostname, ...rest);
  };
}

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  // send(msg, [offset, length,] port, address, cb): the port is the first number after msg.
  const rest = args.slice(1).filter((a) => typeof a !== 'function');
  const numbers = rest.filter((a) => typeof a === 'number');
  const port = numbers.length >= 3 ? numbers[2] : numbers[0];
  const address = rest.find((a) => typeof a === 'string');
  record('udp', { host: address === undefined ? 'localhost' : address, port });
  return send.apply(this, args);
};
