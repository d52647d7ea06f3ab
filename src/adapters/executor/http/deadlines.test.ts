import { describe, expect, it } from 'vitest';
import { Deadlines, SignalWatch, type Expirable } from './deadlines.js';

function recorder(): Expirable & { reasons: string[]; expiredAt: number[] } {
  const reasons: string[] = [];
  const expiredAt: number[] = [];
  return {
    reasons,
    expiredAt,
    expire(reason) {
      reasons.push(reason);
      expiredAt.push(performance.now());
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Deadlines', () => {
  it('expires a shorter deadline added after a longer one first, and the longer one later', async () => {
    const deadlines = new Deadlines();
    const long = recorder();
    const short = recorder();
    const started = performance.now();
    deadlines.add(120, long);
    deadlines.add(30, short);
    await until(() => long.reasons.length === 1);
    expect(short.reasons).toEqual(['timeout']);
    expect(long.reasons).toEqual(['timeout']);
    expect((short.expiredAt[0] as number) - started).toBeGreaterThanOrEqual(29);
    expect((long.expiredAt[0] as number) - started).toBeGreaterThanOrEqual(119);
    expect(short.expiredAt[0]).toBeLessThan(long.expiredAt[0] as number);
    deadlines.clear();
  });

  it('never expires a removed entry, even when it was the earliest', async () => {
    const deadlines = new Deadlines();
    const removed = recorder();
    const kept = recorder();
    const entry = deadlines.add(10, removed);
    deadlines.add(40, kept);
    deadlines.remove(entry);
    await until(() => kept.reasons.length === 1);
    expect(removed.reasons).toEqual([]);
    deadlines.clear();
  });
});

describe('SignalWatch', () => {
  it('aborts every attempt under a signal with one listener, but not one unwatched before', () => {
    const watch = new SignalWatch();
    const controller = new AbortController();
    const first = recorder();
    const second = recorder();
    const done = recorder();
    watch.watch(controller.signal, first);
    watch.watch(controller.signal, second);
    watch.watch(controller.signal, done);
    watch.unwatch(controller.signal, done);
    controller.abort();
    expect(first.reasons).toEqual(['aborted']);
    expect(second.reasons).toEqual(['aborted']);
    expect(done.reasons).toEqual([]);
  });

  it('keeps signals apart', () => {
    const watch = new SignalWatch();
    const one = new AbortController();
    const other = new AbortController();
    const underOne = recorder();
    const underOther = recorder();
    watch.watch(one.signal, underOne);
    watch.watch(other.signal, underOther);
    one.abort();
    expect(underOne.reasons).toEqual(['aborted']);
    expect(underOther.reasons).toEqual([]);
  });
});
