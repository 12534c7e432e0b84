// Which MESH messages a mailbox has already processed. MESH is download-then-acknowledge, so a crash
// between the two brings a message back; remembering its id makes processing happen once.
import type { Queryable } from '../../store/driver.ts';

export interface SeenMessages {
  has(mailbox: string, messageId: string): Promise<boolean>;
  /** Idempotent: remembering an id twice is not an error. */
  remember(mailbox: string, messageId: string): Promise<void>;
}

/** For tests and the demo: forgotten when the process ends. */
export function memorySeenMessages(): SeenMessages {
  const seen = new Map<string, Set<string>>();
  return {
    has: async (mailbox, messageId) => seen.get(mailbox)?.has(messageId) ?? false,
    remember: async (mailbox, messageId) => {
      const ids = seen.get(mailbox) ?? new Set<string>();
      ids.add(messageId);
      seen.set(mailbox, ids);
    },
  };
}

/** Over the `mesh_seen` table, so de-duplication survives restarts and is shared by every poller. */
export function sqlSeenMessages(db: Queryable): SeenMessages {
  return {
    has: async (mailbox, messageId) => {
      const { rows } = await db.query('SELECT 1 FROM mesh_seen WHERE mailbox = $1 AND message_id = $2', [mailbox, messageId]);
      return rows.length > 0;
    },
    remember: async (mailbox, messageId) => {
      await db.query('INSERT INTO mesh_seen (mailbox, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [mailbox, messageId]);
    },
  };
}
