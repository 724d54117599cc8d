import { z } from 'zod';
import { CaseId, CaseRole, UserView } from '@accord/shared';

/**
 * Sessions kept in localStorage so that a reload (even offline) finds the room
 * again: one per case entered by invite, and one staff sign-in.
 */
const RoomSession = z.object({
  token: z.string(),
  userId: z.string(),
  caseId: CaseId,
  role: CaseRole,
  displayName: z.string(),
});
export type RoomSession = z.infer<typeof RoomSession>;
const StaffSession = z.object({ token: z.string(), user: UserView });
export type StaffSession = z.infer<typeof StaffSession>;

const ROOMS = 'accord.rooms';
const STAFF = 'accord.staff';

function read<T extends z.ZodType>(key: string, schema: T): z.output<T> | null {
  try {
    const raw = localStorage.getItem(key);
    const parsed = raw === null ? null : schema.safeParse(JSON.parse(raw));
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function roomSessions(): Record<string, RoomSession> {
  return read(ROOMS, z.record(z.string(), RoomSession)) ?? {};
}

export function saveRoomSession(session: RoomSession): void {
  localStorage.setItem(ROOMS, JSON.stringify({ ...roomSessions(), [session.caseId]: session }));
}

export function forgetRoomSession(caseId: string): void {
  const all = roomSessions();
  delete all[caseId];
  localStorage.setItem(ROOMS, JSON.stringify(all));
}

export function staffSession(): StaffSession | null {
  return read(STAFF, StaffSession);
}

export function saveStaffSession(session: StaffSession | null): void {
  if (session) localStorage.setItem(STAFF, JSON.stringify(session));
  else localStorage.removeItem(STAFF);
}

/** Removes everything this device keeps for a person: chat copies and document copies. */
export async function forgetDeviceData(userId: string): Promise<void> {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const k = localStorage.key(i);
    if (k?.startsWith('accord.chat.') && k.endsWith(`.${userId}`)) localStorage.removeItem(k);
  }
  const dbs = (await indexedDB.databases?.()) ?? [];
  await Promise.all(
    dbs
      .filter((d) => d.name?.startsWith('accord:') && d.name.endsWith(`:${userId}`))
      .map(
        (d) =>
          new Promise<void>((resolve) => {
            const req = indexedDB.deleteDatabase(d.name ?? '');
            req.onsuccess = req.onerror = req.onblocked = () => resolve();
          }),
      ),
  );
}
