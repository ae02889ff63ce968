// The Trydan as the bench sees it: the keywords a controller writes (each lands a second after
// it is sent, as on Wi-Fi), and /RealTimeData as the LAN client parses it, with the fields a
// firmware 2.5.0 charger sends, so the controller gets what the node's sampleOf gets.
'use strict';

const WRITE_LATENCY_S = 1;

function makeCharger(car) {
  const threePhase = car.phases === 3;
  const state = {
    // Taken over by a controller before the day (PauseDynamic 1), paused at the minimum.
    Paused: 1,
    Intensity: 6,
    PauseDynamic: 1,
    ChargeMode: threePhase ? 1 : 0,
    MinIntensity: 6,
    MaxIntensity: 16,
    Locked: 0,
    Dynamic: 1,
    DynamicPowerMode: 2,
  };
  let pending = []; // { at, command }
  let sessionWh = 0;
  let sessionS = 0;
  let drewSincePause = false;

  return {
    state,
    /** Queues a command; returns the keywords written. */
    write(command, t) {
      const keys = command ? Object.keys(command) : [];
      if (keys.length) pending.push({ at: t + WRITE_LATENCY_S, command });
      return keys.length;
    },
    /** Writes that land now; true if any did (the coordinator then reads back). */
    land(t) {
      let landed = false;
      while (pending.length && pending[0].at <= t) {
        const { command } = pending.shift();
        // Pause/resume restarts the session counters (docs/charger-protocol.md: ChargeEnergy resets).
        if ('Paused' in command && command.Paused !== state.Paused) {
          sessionWh = 0;
          sessionS = 0;
          if (command.Paused === 0) drewSincePause = false;
        }
        Object.assign(state, command);
        landed = true;
      }
      return landed;
    },
    /** Amps offered per phase now. */
    offer() {
      return state.Paused === 0 ? Math.min(state.MaxIntensity, state.Intensity) : 0;
    },
    account(carW) {
      if (carW > 0) drewSincePause = true;
      sessionWh += carW / 3600;
      if (state.Paused === 0) sessionS++;
    },
    /** /RealTimeData now. `site` gives the charger's own clamps (unused with a message meter). */
    reading(car, site) {
      const carW = Math.round(car.amps * car.phases * 230);
      // ChargeState: 2 while the car draws, and it stays 2 after a pause (docs/charger-protocol.md); 1
      // when the car has not started yet or stopped by itself (full).
      const chargeState = carW > 0 || (state.Paused === 1 && drewSincePause && !car.full) ? 2 : 1;
      const phaseAmps = (l) => (l <= car.phases ? Math.round(car.amps * 10) / 10 : 0);
      return {
        ID: 'BENCH0001',
        FirmwareVersion: '2.5.0',
        ChargeState: chargeState,
        ReadyState: 1,
        ChargePower: carW,
        ChargeEnergy: Math.round(sessionWh / 10) / 100,
        ChargeTime: sessionS,
        HousePower: Math.round(site.houseW),
        FVPower: Math.round(site.pvW),
        BatteryPower: Math.round(site.batteryW),
        GridPower: Math.round(site.gridW),
        ...state,
        Timer: 0,
        ContractedPower: 5750,
        VoltageInstallation: 230,
        IntensityMeasure_L1: phaseAmps(1),
        IntensityMeasure_L2: phaseAmps(2),
        IntensityMeasure_L3: phaseAmps(3),
        VoltageMeasure_L1: 230,
        VoltageMeasure_L2: car.phases === 3 ? 230 : 0,
        VoltageMeasure_L3: car.phases === 3 ? 230 : 0,
        SlaveError: 0,
        SignalStatus: 3,
      };
    },
  };
}

module.exports = { makeCharger, WRITE_LATENCY_S };
