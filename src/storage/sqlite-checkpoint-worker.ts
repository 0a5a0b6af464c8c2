import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * Copies a SQLite file's write-ahead log back into the file (a PASSIVE checkpoint: it never waits
 * for a lock and never blocks writers), on a thread of its own: a checkpoint syncs the file to disk,
 * tens of milliseconds the event loop of the backend's thread would otherwise stand still for.
 * Runs every `everyMs` and when the backend says it wrote a batch; stops on "close".
 */
const { file, everyMs, truncateFrames } = workerData as { file: string; everyMs: number; truncateFrames: number };
const port = parentPort!;
// Only this thread waits for locks here (TRUNCATE below waits for writers to finish).
const db = new Database(file, { fileMustExist: true, timeout: 1000 });

function checkpoint(): void {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    // Under steady writes a passive checkpoint never catches up with the writers, and SQLite only
    // starts the log over once one has: past `truncateFrames` frames, the rest is copied while
    // writers wait (they retry without blocking their event loop) and the log is emptied.
    if (passive.log >= truncateFrames) db.pragma('wal_checkpoint(TRUNCATE)');
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
