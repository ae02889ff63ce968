// Many fake Trydan chargers in one process, for bench/scale.bench.js: one port each on
// 127.0.0.1, each answering GET /RealTimeData with a firmware 2.5.0 body after a fixed delay
// (a charger on Wi-Fi takes tens of ms). Lighter than the simulator (src/sim), so a thousand
// fit beside Node-RED on a small machine. Started with fork(); talks over IPC:
//   parent → {type:'start', count, latencyMs}   child → {type:'ports', ports}
//   parent → {type:'count'}                      child → {type:'count', requests, connections, ports}
//   (ports: how many answered a request since the last {type:'reset'})
// It exits when its parent goes away, so nothing outlives a bench that was stopped.
'use strict';
const http = require('node:http');

let requests = 0;
let connections = 0;
const seen = new Set();
const servers = [];

function body(port, n) {
  // ChargePower moves a little on every poll, as a charging car's does.
  return (
    `{"ID":"FAKE${port}","SignalStatus":3,"ChargeState":2,"ReadyState":0,"ChargePower":${7300 + (n % 60)}.00,` +
    `"ChargeEnergy":${(n / 100).toFixed(2)},"SlaveError":0,"ChargeTime":${n * 5},"HousePower":450.00,"FVPower":5210.00,` +
    '"BatteryPower":0.00,"GridPower":2600.00,"Paused":0,"Locked":0,"Timer":0,"Intensity":32,"Dynamic":1,' +
    '"MinIntensity":6,"MaxIntensity":32,"PauseDynamic":1,"FirmwareVersion":"2.5.0","DynamicPowerMode":2,' +
    '"ContractedPower":4600,"ChargeMode":0,"VoltageInstallation":230,"LightLED":100,"LogoLED":1,' +
    '"IntensityMeasure_L1":32.00,"IntensityMeasure_L2":0.00,"IntensityMeasure_L3":0.00,"VoltageMeasure_L1":230.00,' +
    '"VoltageMeasure_L2":0.00,"VoltageMeasure_L3":0.00,"SSID":"HomeWiFi","IP":"192.168.1.50"}'
  );
}

function listen(latencyMs) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const server = http.createServer((req, res) => {
      requests++;
      const port = server.address().port;
      seen.add(port);
      setTimeout(() => {
        if (req.url !== '/RealTimeData') {
          res.statusCode = 404;
          return res.end('This URI does not exist');
        }
        res.setHeader('Content-Type', 'text');
        res.end(body(port, n++));
      }, latencyMs);
    });
    // No Keep-Alive hint and no idle close of its own: the client decides how long to keep.
    server.keepAliveTimeout = 0;
    server.on('connection', () => connections++);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

process.on('message', async (msg) => {
  if (msg.type === 'start') {
    for (let i = 0; i < msg.count; i++) servers.push(await listen(msg.latencyMs));
    process.send({ type: 'ports', ports: servers.map((s) => s.address().port) });
  } else if (msg.type === 'count') {
    process.send({ type: 'count', requests, connections, ports: seen.size });
  } else if (msg.type === 'reset') {
    seen.clear();
  }
});
process.on('disconnect', () => process.exit(0));
