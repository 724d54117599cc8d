import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue, SerialQueue } from './serial-queue';

const tick = () => new Promise((r) => setTimeout(r, 1));

const recorder = (log: string[]) => (name: string) => async () => {
  log.push(`${name}+`);
  await tick();
  log.push(`${name}-`);
  return name;
};

describe('KeyedSerialQueue', () => {
  it('runs tasks of one key in order, never overlapping, and keys independently', async () => {
    const m = new KeyedSerialQueue();
    const log: string[] = [];
    const task = recorder(log);
    const results = await Promise.all([m.run('a', task('a1')), m.run('a', task('a2')), m.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
  });

  it('a failing task does not block the next one', async () => {
    const m = new KeyedSerialQueue();
    await expect(m.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(m.run('a', async () => 'ok')).resolves.toBe('ok');
  });

  it('forgets a key once its tasks have settled', async () => {
    const m = new KeyedSerialQueue();
    await m.run('a', async () => 1);
    await tick();
    expect(m.size()).toBe(0);
  });
});

describe('SerialQueue', () => {
  it('runs tasks in the order queued, one at a time, past failures', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const task = recorder(log);
    const first = q.run(task('1'));
    const failing = q.run(() => Promise.reject(new Error('boom')));
    const third = q.run(task('3'));
    await expect(failing).rejects.toThrow('boom');
    expect(await Promise.all([first, third])).toEqual(['1', '3']);
    expect(log).toEqual(['1+', '1-', '3+', '3-']);
  });

  it('idle() waits for everything queued before it', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    void q.run(recorder(log)('a'));
    await q.idle();
    expect(log).toEqual(['a+', 'a-']);
  });
});
