import { chmod, mkdir, stat } from 'node:fs/promises';
import type { Logger } from '../log.js';

/**
 * Makes a folder that holds secrets (the data folder, the outbox) private to this user: created
 * 0700 when absent, narrowed to 0700 when it is ours and open to others. When that cannot be done
 * (another owner, a read-only disk) it logs one line and goes on: whatever needs the folder later
 * fails on its own, with its own reason.
 */
export async function privateDir(dir: string, log: Logger): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Windows has no such modes; its folders follow their ACLs.
    if (process.platform === 'win32') return;
    const { mode, uid } = await stat(dir);
    if ((mode & 0o077) === 0) return;
    if (uid !== process.getuid?.()) {
      log.warn({ dir, mode: (mode & 0o777).toString(8) }, 'folder is open to other users and belongs to another user: it stays as it is');
      return;
    }
    await chmod(dir, 0o700);
  } catch (error) {
    log.warn({ dir, err: error }, 'folder could not be made private to this user (0700)');
  }
}
