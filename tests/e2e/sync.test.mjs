// The room sync arithmetic (web/js/room/sync.js), with no browser: the clock-offset estimate
// under asymmetric jitter and drift, converting a server playback state to a track position,
// and the correction policy at its thresholds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ClockEstimator, POLICY, clampCalibration, correction, localOutputTimeOf, measure, outputPositionAt,
  percentile, positionAt, sameTimeline, serverTimeOfPosition,
} from '../../web/js/room/sync.js';

/** A repeatable pseudo-random source (mulberry32), so a failure can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One ping through a simulated link. `server(local)` is the server clock as a function of the
 * local clock; `up` and `down` are the one-way delays; the server takes 0.2 ms to answer and
 * reports whole milliseconds, as the real one does.
 */
function exchange(t0, server, up, down) {
  const t1 = Math.floor(server(t0 + up));
  const t2 = Math.floor(server(t0 + up + 0.2));
  return { t0, t1, t2, t3: t0 + up + 0.2 + down };
}

const near = (actual, expected, tolerance, what) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual.toFixed(3)} is not within ±${tolerance} of ${expected.toFixed(3)}`);

describe('clock offset', () => {
  test('one exchange: offset and round trip by the NTP formulas', () => {
    // Server 1000 ms ahead; 10 ms up, 30 ms down, 2 ms in the server.
    const m = measure({ t0: 5000, t1: 6010, t2: 6012, t3: 5042 });
    assert.equal(m.rtt, 40);
    assert.equal(m.offset, ((6010 - 5000) + (6012 - 5042)) / 2); // 990: the asymmetry shows as −10
    assert.equal(m.at, 5021);
  });

  test('a join burst with asymmetric jitter: the shortest round trip decides', () => {
    const truth = 1234.5;
    const rand = random(7);
    const clock = new ClockEstimator();
    const samples = [];
    for (let i = 0; i < 12; i += 1) {
      // Upstream 3 ms steady; downstream 3 ms plus up to 80 ms of queueing, one sample clean.
      const down = i === 8 ? 3 : 3 + 10 + rand() * 70;
      const s = clock.add(exchange(10_000 + i * 40, (t) => t + truth, 3, down));
      samples.push(s);
    }
    const best = samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    assert.equal(clock.offsetAt(10_500), best.offset, 'the min-RTT sample sets the offset');
    near(clock.offsetAt(10_500), truth, 1, 'offset');
    const mean = samples.reduce((sum, s) => sum + s.offset, 0) / samples.length;
    assert.ok(Math.abs(mean - truth) > 10, 'a plain average would have been far off (so the test can tell)');
    assert.equal(clock.bestRtt, best.rtt);
  });

  test('steady pings over a congested downlink: within 5 ms though the queueing reaches 80 ms', () => {
    const truth = -52_000.25;
    const rand = random(42);
    const clock = new ClockEstimator();
    const offsets = [];
    let t = 1_000_000;
    for (let i = 0; i < 90; i += 1) {
      offsets.push(clock.add(exchange(t, (x) => x + truth, 3, 3 + rand() * 80)).offset);
      t += 1000;
    }
    near(clock.offsetAt(t), truth, 5, 'offset');
    const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    assert.ok(Math.abs(mean - truth) > 15, `the plain average is ${(mean - truth).toFixed(1)} ms off (so the test can tell)`);
    assert.ok(Math.abs(clock.driftPpm) < 60, `no drift invented: ${clock.driftPpm.toFixed(1)} ppm`);
  });

  test('symmetric jitter of 100 ± 30 ms round trip: within 5 ms', () => {
    const truth = 8_765.4;
    const rand = random(5);
    const clock = new ClockEstimator();
    let t = 2_000_000;
    for (let i = 0; i < 60; i += 1) {
      clock.add(exchange(t, (x) => x + truth, 35 + rand() * 30, 35 + rand() * 30));
      t += 1000;
    }
    near(clock.offsetAt(t), truth, 5, 'offset');
  });

  test('drift: a server clock 150 ppm fast is followed, and extrapolated 10 s ahead', () => {
    const ppm = 150;
    const server = (x) => x + (x - 1.7e12) * (ppm / 1e6) + 500; // 500 ms ahead at x = 1.7e12
    const rand = random(3);
    const clock = new ClockEstimator();
    let t = 1.7e12;
    for (let i = 0; i < 100; i += 1) {
      clock.add(exchange(t, server, 1 + rand() * 4, 1 + rand() * 4));
      t += 1000;
    }
    near(clock.driftPpm, ppm, 30, 'drift (ppm)');
    const later = t + 10_000;
    near(clock.toServer(later), server(later), 1, 'server time 10 s after the last ping');
    // The fit's own offset without its slope would lag by several ms: a broken slope shows.
    assert.ok(Math.abs(later + clock.fit.offset - server(later)) > 5, 'a flat offset would be off');
  });

  test('toLocal inverts toServer, drift included', () => {
    const clock = new ClockEstimator();
    clock.fit = { at: 1e12, offset: 321.5, slope: 80e-6 };
    for (const local of [1e12 - 50_000, 1e12, 1e12 + 123_456]) near(clock.toLocal(clock.toServer(local)), local, 1e-6, 'round trip');
  });

  test('impossible samples are refused', () => {
    const clock = new ClockEstimator();
    assert.equal(clock.add({ t0: 10, t1: 100, t2: 99, t3: 20 }), null, 't2 before t1');
    assert.equal(clock.add({ t0: 10, t1: 100, t2: 200, t3: 20 }), null, 'negative round trip');
    assert.equal(clock.ready, false);
  });
});

describe('playback position', () => {
  const playing = { itemId: 'i1', trackId: 't1', playing: true, positionMs: 30_000, atServerMs: 1_000_000, rate: 1 };

  test('paused, playing, a start in the future, and a rate', () => {
    assert.equal(positionAt(null, 5), null);
    assert.equal(positionAt({ trackId: null, playing: false, positionMs: 0 }, 5), null);
    assert.equal(positionAt({ ...playing, playing: false }, 2_000_000), 30_000, 'paused: where it stopped');
    assert.equal(positionAt(playing, 1_002_500), 32_500);
    assert.equal(positionAt(playing, 999_200), 29_200, 'before atServerMs: 800 ms before the start');
    assert.equal(positionAt({ ...playing, rate: 1.5 }, 1_002_000), 33_000);
    assert.equal(serverTimeOfPosition(playing, 31_000), 1_001_000);
    assert.equal(serverTimeOfPosition({ ...playing, rate: 2 }, 31_000), 1_000_500);
  });

  test('to the local clock, with the offset and the calibration', () => {
    const clock = new ClockEstimator();
    clock.fit = { at: 0, offset: 250, slope: 0 }; // server = local + 250
    // Local 999 750 is server 1 000 000: the start.
    assert.equal(outputPositionAt(playing, clock, 999_750), 30_000);
    // With 200 ms of Bluetooth delay, what leaves now is heard 200 ms later: 200 ms further on.
    assert.equal(outputPositionAt(playing, clock, 999_750, 200), 30_200);
    assert.equal(localOutputTimeOf(playing, clock, 30_000), 999_750);
    assert.equal(localOutputTimeOf(playing, clock, 30_000, 200), 999_550, 'calibrated output starts earlier');
  });

  test('the same timeline re-anchored is recognised; a seek is not', () => {
    const reanchored = { ...playing, positionMs: 31_500, atServerMs: 1_001_500 };
    assert.ok(sameTimeline(playing, reanchored));
    assert.ok(!sameTimeline(playing, { ...reanchored, positionMs: 31_520 }), 'a 20 ms seek');
    assert.ok(!sameTimeline(playing, { ...playing, playing: false }));
    assert.ok(!sameTimeline(playing, { ...playing, itemId: 'i2' }));
  });
});

describe('correction policy', () => {
  test('dead band, proportional rate, hard seek', () => {
    assert.deepEqual(correction(0), { action: 'none', rate: 1, correcting: false });
    assert.equal(correction(POLICY.deadBandMs).action, 'none', 'at the dead band');
    assert.equal(correction(-POLICY.deadBandMs).action, 'none');
    const ahead = correction(POLICY.deadBandMs + 0.5);
    assert.equal(ahead.action, 'rate');
    assert.ok(ahead.rate < 1 && ahead.rate > 0.98, `ahead slows down a little: ${ahead.rate}`);
    const behind = correction(-(POLICY.deadBandMs + 0.5));
    assert.ok(behind.rate > 1 && behind.rate < 1.02, `behind speeds up a little: ${behind.rate}`);
    near(correction(8).rate, 1 - 8 / POLICY.horizonMs, 1e-12, 'proportional');
    assert.equal(correction(100).rate, 1 - POLICY.maxRateDelta, 'clamped to −2 %');
    assert.equal(correction(-100).rate, 1 + POLICY.maxRateDelta, 'clamped to +2 %');
    assert.equal(correction(POLICY.hardMs).action, 'rate', 'still gentle at the threshold');
    assert.equal(correction(POLICY.hardMs + 0.1).action, 'seek');
    assert.equal(correction(-(POLICY.hardMs + 0.1)).action, 'seek');
    assert.equal(correction(Number.NaN).action, 'seek', 'no idea where we are: reschedule');
  });

  test('a steady bias inside the dead band is trimmed; noise is not', () => {
    assert.equal(correction(4, { meanErrorMs: 1 }).action, 'none', 'noise around a small mean');
    assert.equal(correction(4, { meanErrorMs: 3.5 }).action, 'rate', 'a steady 3.5 ms bias');
    assert.equal(correction(-4, { meanErrorMs: 3.5 }).action, 'none', 'the bias is on the other side');
    assert.equal(correction(0.8, { meanErrorMs: 3.5 }).action, 'none', 'already within the settle band');
  });

  test('hysteresis: once correcting, carry on down to the settle band', () => {
    assert.equal(correction(3).action, 'none', 'not yet correcting: inside the dead band');
    assert.equal(correction(3, { correcting: true }).action, 'rate', 'correcting: keep going');
    assert.equal(correction(0.9, { correcting: true }).action, 'none', 'settled');
  });

  test('calibration is clamped and whole', () => {
    assert.equal(clampCalibration('180.4'), 180);
    assert.equal(clampCalibration(9999), 500);
    assert.equal(clampCalibration(-9999), -100);
    assert.equal(clampCalibration('x'), 0);
  });

  test('percentiles', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    near(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 9.55, 1e-9, 'p95');
  });
});
