import { expect } from 'chai';
import { PassBatches } from '../src/pass-batches.js';

describe('Let go together at the end of a pass of the event loop (turns, Redis replies)', () => {
  it('lets the turns that asked in one pass of the event loop go at its end, together and in order', async () => {
    const batches = new PassBatches();
    const order: string[] = [];
    const turn = (name: string) =>
      batches.next().then(() => {
        order.push(`${name} starts`);
        // What a started turn schedules runs after every turn of its batch has started.
        setImmediate(() => order.push(`${name}'s next step`));
      });
    const started = Promise.all([turn('a'), turn('b'), turn('c')]);
    await Promise.resolve();
    order.push('the pass goes on');
    await started;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).to.deep.equal(['the pass goes on', 'a starts', 'b starts', 'c starts', "a's next step", "b's next step", "c's next step"]);
  });

  it('sends a turn that asks while a batch is let go to the next pass', async () => {
    const batches = new PassBatches();
    let releasedWithItsBatch: boolean | undefined;
    await batches.next().then(async () => {
      let released = false;
      const again = batches.next().then(() => (released = true));
      for (let i = 0; i < 5; i++) await Promise.resolve();
      releasedWithItsBatch = released;
      await again;
    });
    expect(releasedWithItsBatch).to.equal(false);
  });

  it('lets a lone turn go at the end of the pass it asked in', async () => {
    const batches = new PassBatches();
    let started = false;
    const lone = batches.next().then(() => (started = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).to.equal(true);
    await lone;
  });

  it('runs what is queued with `later` at the end of the pass, in order, with what waits on `next`', async () => {
    const batches = new PassBatches();
    const order: string[] = [];
    batches.later(() => order.push('reply 1'));
    const turn = batches.next().then(() => order.push('turn (a promise: after the batch)'));
    batches.later(() => order.push('reply 2'));
    order.push('the pass goes on');
    await turn;
    expect(order).to.deep.equal(['the pass goes on', 'reply 1', 'reply 2', 'turn (a promise: after the batch)']);
  });
});
