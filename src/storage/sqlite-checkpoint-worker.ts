import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * Copies a SQLite file's write-ahead log back into the file (a PASSIVE checkpoint: it never waits
 * for a lock and never blocks writers), on a thread of its own: a checkpoint syncs the file to disk,
 * tens of milliseconds the event loop of the backend's thread would otherwise stand still for.
 * Runs every `everyMs` and when the backend says it wrote a batch; stops on "close".
 */
const { file, everyMs, fullFrames } = workerData as { file: string; everyMs: number; fullFrames: number };
const port = parentPort!;
// FULL below waits this long at most for a write in progress to end (it holds the writer lock
// then; SQLite's RESTART and TRUNCATE would also wait, holding it, for every reader to leave the log).
const db = new Database(file, { fileMustExist: true, timeout: 100 });

function checkpoint(): void {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    // Under steady writes a passive checkpoint never catches up with the writers, and SQLite only
    // starts the log over once one has: past `fullFrames` frames, the last frames are copied while
    // writers wait (they retry without blocking their event loop), and the next write starts the
    // log over (cut back to the backend's journal_size_limit).
    if (passive.log >= fullFrames) db.pragma('wal_checkpoint(FULL)');
  } catch {
    // A checkpoint that could not run (the file locked for a schema change, say) runs next time.
  }
}

const timer = setInterval(checkpoint, everyMs);
port.on('message', (message: unknown) => {
  if (message === 'checkpoint') checkpoint();
  else if (message === 'close') {
    clearInterval(timer);
    db.close();
    port.close();
  }
});
