import { expect } from 'chai';
import { LeasedScheduler, type ScheduledPass } from '../../src/app/reminder-scheduler.js';
import { CasLease } from '../../src/storage/cas-lease.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('LeasedScheduler', () => {
  const scheduler = (pass: ScheduledPass, intervalMs = 60_000, errors: unknown[] = []) =>
    new LeasedScheduler({ lease: new CasLease(KeyvBackend.memory().namespace('leases')), leaseName: 'test', holder: 'me', intervalMs, pass, onError: (e) => errors.push(e) });

  it('runs a pass every interval once started, and leaves no timer once stopped', async () => {
    let passes = 0;
    const s = scheduler(async () => void passes++, 20);
    const idle = timers();
    s.start();
    expect(s.scheduled).to.equal(true);
    expect(timers()).to.equal(idle + 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(passes).to.be.greaterThan(1);
    const running = timers();
    await s.stop();
    expect(s.scheduled).to.equal(false);
    // Mocha keeps a timer of its own for the test's timeout: what matters is that the scheduler's went away.
    expect(timers()).to.equal(running - 1);
    const after = passes;
    await new Promise((r) => setTimeout(r, 60));
    expect(passes).to.equal(after);
    // Started again after stop: it stays stopped.
    s.start();
    expect(s.scheduled).to.equal(false);
    expect(await s.runOnce()).to.equal(false);
  });

  it('waits on stop for a pass under way, which ends at its next step', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const steps: string[] = [];
    const s = scheduler(async (proceed) => {
      for (const step of ['first', 'second']) {
        if (!(await proceed())) return;
        steps.push(step);
        await gate;
      }
    });
    const running = s.runOnce();
    await new Promise((r) => setTimeout(r, 10));
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped, 'stop returned while the pass was under way').to.equal(false);
    open();
    await stopping;
    expect(await running).to.equal(true);
    expect(steps).to.deep.equal(['first']);
  });

  it('runs one pass at a time in an instance', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let passes = 0;
    const s = scheduler(async () => {
      passes++;
      await gate;
    });
    const first = s.runOnce();
    expect(await s.runOnce()).to.equal(false);
    open();
    expect(await first).to.equal(true);
    expect(passes).to.equal(1);
    await s.stop();
  });

  it('reports a failed pass of the timer and keeps the schedule', async () => {
    const errors: unknown[] = [];
    const s = scheduler(async () => {
      throw new Error('store down');
    }, 20, errors);
    s.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.scheduled).to.equal(true);
    await s.stop();
    expect(errors.length).to.be.greaterThan(0);
    expect((errors[0] as Error).message).to.equal('store down');
  });
});
