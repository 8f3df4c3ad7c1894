// The arithmetic of listening together, with no DOM, no Web Audio and no socket, so it can be
// tested in node: how far this device's clock is from the server's (and how fast that drifts),
// where the shared track should be at a moment of this device's clock, and what to do about a
// difference between where the audio is and where it should be. See docs/sync.md.
//
// Times called "local" are this device's milliseconds on a monotonic clock that reads like the
// Unix epoch (the caller uses performance.timeOrigin + performance.now()); "server" times are
// the server's Unix epoch milliseconds.

/** How the socket pings: a burst on joining, quickly while the page settles, then steadily. */
export const PING = {
  burst: 10, // pings right after `welcome`
  burstGapMs: 40, // 25 a second: well inside the server's 20/s sustained, burst 40 allowance
  // A page that just joined is busy (drawing, fetching and decoding the track), which delays
  // the pongs it reads: keep sampling quickly for a while so clean samples come soon.
  settleEveryMs: 250,
  settleForMs: 6000,
  earlyEveryMs: 1000, // then for the first minute, while the drift estimate forms
  earlyForMs: 60_000,
  everyMs: 2000,
};

/** The gap before the next steady ping, `sinceWelcomeMs` after the welcome. */
export function pingGap(sinceWelcomeMs) {
  if (sinceWelcomeMs < PING.settleForMs) return PING.settleEveryMs;
  if (sinceWelcomeMs < PING.earlyForMs) return PING.earlyEveryMs;
  return PING.everyMs;
}

/** The correction policy. Errors are `actual − target` in ms: positive means this device is ahead. */
export const POLICY = {
  deadBandMs: 5, // within ±5 ms, leave the audio alone…
  persistentMs: 2, // …unless the error has averaged over ±2 ms for seconds (a bias, not noise)
  settleMs: 1, // once correcting, carry on until within ±1 ms (hysteresis, no limit cycle)
  hardMs: 300, // beyond ±300 ms, reschedule (a jump); inside it, only change the rate
  maxRateDelta: 0.02, // never faster or slower than ±2 %
  horizonMs: 500, // proportional: an error of e ms sets the rate off by e / 500 (10 ms → 2 %)
};

/** The latency calibration range (ms); positive means "my speakers play late". */
export const CALIBRATION = { min: -100, max: 500, step: 5 };

export function clampCalibration(ms) {
  const n = Number(ms);
  if (!Number.isFinite(n)) return 0;
  return Math.min(CALIBRATION.max, Math.max(CALIBRATION.min, Math.round(n)));
}

/**
 * One ping/pong round: t0 and t3 are local (sent, received), t1 and t2 server (received, sent).
 * offset = server − local at the moment of the exchange; rtt = the time on the wire.
 */
export function measure({ t0, t1, t2, t3 }) {
  const offset = ((t1 - t0) + (t2 - t3)) / 2;
  const rtt = (t3 - t0) - (t2 - t1);
  return { offset, rtt, at: (t0 + t3) / 2 };
}

/**
 * The clock-offset estimator. Each ping adds a sample. The estimate takes, per time bucket, the
 * sample with the shortest round trip (the one least bent by queueing on either side), weighs
 * those by how close their round trip is to the shortest seen (and a little by age), and fits a
 * line through them (weighted least squares) so the offset follows a drifting clock. The slope
 * is shrunk towards zero by its own uncertainty, so noise does not pass for drift. With one
 * bucket only (the join burst), the shortest round trip decides alone.
 */
export class ClockEstimator {
  constructor({ windowMs = 90_000, bucketMs = 3000, ageMs = 30_000, minSpanMs = 10_000, maxDriftPpm = 300, maxSamples = 400 } = {}) {
    Object.assign(this, { windowMs, bucketMs, ageMs, minSpanMs, maxDriftPpm, maxSamples });
    this.samples = [];
    this.latestRtt = null;
    this.fit = null; // { at, offset, slope } once there is a sample
  }

  /** Adds one exchange; returns the measured sample, or null for one that cannot be right. */
  add(times) {
    const sample = measure(times);
    if (![sample.offset, sample.rtt].every(Number.isFinite) || sample.rtt < 0 || times.t2 < times.t1) return null;
    this.samples.push(sample);
    this.latestRtt = sample.rtt;
    const oldest = sample.at - this.windowMs;
    while (this.samples.length > this.maxSamples || (this.samples.length > 1 && this.samples[0].at < oldest)) this.samples.shift();
    this.fit = this.#fit();
    return sample;
  }

  /** Forgets everything (a new connection to a possibly restarted server). */
  reset() {
    this.samples = [];
    this.latestRtt = null;
    this.fit = null;
  }

  get ready() {
    return this.fit !== null;
  }

  /** The shortest round trip in the window (ms), or null. */
  get bestRtt() {
    return this.samples.length ? Math.min(...this.samples.map((s) => s.rtt)) : null;
  }

  /** The estimated drift, in parts per million (server clock faster than ours is positive). */
  get driftPpm() {
    return this.fit ? this.fit.slope * 1e6 : 0;
  }

  /** server − local (ms) at a local time; 0 before any sample. */
  offsetAt(localMs) {
    if (!this.fit) return 0;
    return this.fit.offset + this.fit.slope * (localMs - this.fit.at);
  }

  toServer(localMs) {
    return localMs + this.offsetAt(localMs);
  }

  toLocal(serverMs) {
    // local = server − offset(local); the offset changes by ppm, so a few rounds are exact.
    let local = serverMs - this.offsetAt(serverMs);
    local = serverMs - this.offsetAt(local);
    return serverMs - this.offsetAt(local);
  }

  #fit() {
    const byBucket = new Map();
    for (const s of this.samples) {
      const key = Math.floor(s.at / this.bucketMs);
      const best = byBucket.get(key);
      if (!best || s.rtt <= best.rtt) byBucket.set(key, s);
    }
    const points = [...byBucket.values()];
    if (points.length === 0) return null;
    const minRtt = Math.min(...points.map((p) => p.rtt));
    const best = points.find((p) => p.rtt === minRtt);
    const last = Math.max(...points.map((p) => p.at));
    const span = last - Math.min(...points.map((p) => p.at));
    if (points.length < 3 || span < this.minSpanMs) {
      // Too short for a slope: the shortest round trip, following any earlier drift estimate.
      return { at: best.at, offset: best.offset, slope: this.fit?.slope ?? 0 };
    }
    // A round trip 1 ms (or 5 % of the shortest) longer than the shortest halves a weight.
    const scale = Math.max(1, 0.05 * minRtt);
    const w = points.map((p) => Math.exp(-(last - p.at) / this.ageMs) / (1 + ((p.rtt - minRtt) / scale) ** 2));
    const sum = w.reduce((a, b) => a + b, 0);
    const meanAt = points.reduce((acc, p, i) => acc + w[i] * p.at, 0) / sum;
    const meanOffset = points.reduce((acc, p, i) => acc + w[i] * p.offset, 0) / sum;
    let sxx = 0;
    let sxy = 0;
    points.forEach((p, i) => {
      sxx += w[i] * (p.at - meanAt) ** 2;
      sxy += w[i] * (p.at - meanAt) * (p.offset - meanOffset);
    });
    let slope = sxx > 0 ? sxy / sxx : 0;
    if (sxx > 0) {
      // Shrink by the slope's standard error: a slope lost in the noise counts for little.
      let rss = 0;
      points.forEach((p, i) => {
        rss += w[i] * (p.offset - meanOffset - slope * (p.at - meanAt)) ** 2;
      });
      const effective = sum ** 2 / w.reduce((a, b) => a + b * b, 0);
      const variance = (rss / sum) * (effective / Math.max(1, effective - 2));
      const se2 = variance / sxx;
      slope = slope ** 2 + se2 > 0 ? (slope ** 3) / (slope ** 2 + se2) : 0;
    }
    const limit = this.maxDriftPpm / 1e6;
    slope = Math.max(-limit, Math.min(limit, slope));
    return { at: meanAt, offset: meanOffset, slope };
  }
}

// ---------- the shared timeline ----------

/**
 * Where the track is (ms) at a server time, per a `playback` frame. Before a scheduled start
 * (`atServerMs` ahead) the result is below `positionMs`: that much before the start. Null
 * with no track.
 */
export function positionAt(playback, serverMs) {
  if (!playback || playback.trackId == null) return null;
  if (!playback.playing) return playback.positionMs;
  return playback.positionMs + (serverMs - playback.atServerMs) * (playback.rate || 1);
}

/** The server time at which a playing track is (or was, or will be) at `positionMs`. */
export function serverTimeOfPosition(playback, positionMs) {
  return playback.atServerMs + (positionMs - playback.positionMs) / (playback.rate || 1);
}

/**
 * The track position this device must send to its output at a local time so that, with the
 * calibration (the listener's extra output delay) added, it is heard when the server says.
 */
export function outputPositionAt(playback, clock, localMs, calibrationMs = 0) {
  return positionAt(playback, clock.toServer(localMs + calibrationMs));
}

/** The local time at which `positionMs` must leave this device's output. */
export function localOutputTimeOf(playback, clock, positionMs, calibrationMs = 0) {
  return clock.toLocal(serverTimeOfPosition(playback, positionMs)) - calibrationMs;
}

/** True when two playback states describe the same timeline (same track, state and clock). */
export function sameTimeline(a, b, toleranceMs = 1) {
  if (!a || !b) return false;
  if (a.itemId !== b.itemId || a.trackId !== b.trackId || Boolean(a.playing) !== Boolean(b.playing)) return false;
  if (!a.playing) return Math.abs(a.positionMs - b.positionMs) <= toleranceMs;
  if ((a.rate || 1) !== (b.rate || 1)) return false;
  const at = Math.max(a.atServerMs, b.atServerMs);
  return Math.abs(positionAt(a, at) - positionAt(b, at)) <= toleranceMs;
}

// ---------- correction ----------

/**
 * What to do about an error (actual − target, ms). `correcting` is the previous decision's
 * flag, for the hysteresis; `meanErrorMs`, the error averaged over the last few seconds (when
 * known), lets a steady small bias be trimmed that the dead band would otherwise keep for good.
 * Returns { action: 'none' | 'rate' | 'seek', rate, correcting }, `rate` being the factor to
 * multiply the track's own rate by.
 */
export function correction(errorMs, { correcting = false, meanErrorMs = null } = {}, policy = POLICY) {
  const size = Math.abs(errorMs);
  if (!Number.isFinite(errorMs) || size > policy.hardMs) return { action: 'seek', rate: 1, correcting: false };
  const biased = meanErrorMs !== null && Math.abs(meanErrorMs) > policy.persistentMs && Math.sign(meanErrorMs) === Math.sign(errorMs);
  const band = correcting ? policy.settleMs : biased ? policy.settleMs : policy.deadBandMs;
  if (size <= band) return { action: 'none', rate: 1, correcting: false };
  const delta = Math.max(-policy.maxRateDelta, Math.min(policy.maxRateDelta, errorMs / policy.horizonMs));
  return { action: 'rate', rate: 1 - delta, correcting: true };
}

/** Percentiles of a list of numbers (p in 0…100), for reporting measured offsets. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
