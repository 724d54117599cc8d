import { CASE_ROLES, type CaseRole, type UserView } from '@accord/shared';

/**
 * Sessions kept in localStorage so that a reload (even offline) finds the room
 * again: one per case entered by invite, and one staff sign-in.
 */
export interface RoomSession {
  token: string;
  userId: string;
  caseId: string;
  role: CaseRole;
  displayName: string;
}
export interface StaffSession {
  token: string;
  user: UserView;
}

const ROOMS = 'accord.rooms';
const STAFF = 'accord.staff';

// What is read back was written by this client from answers its schemas checked; a shape check drops a
// damaged or outdated entry without putting the schemas into every page's first download.
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';

function isRoomSession(v: unknown): v is RoomSession {
  return (
    isObject(v) &&
    isString(v.token) &&
    isString(v.userId) &&
    isString(v.caseId) &&
    isString(v.displayName) &&
    (CASE_ROLES as readonly unknown[]).includes(v.role)
  );
}

function isStaffSession(v: unknown): v is StaffSession {
  return (
    isObject(v) &&
    isString(v.token) &&
    isObject(v.user) &&
    isString(v.user.id) &&
    isString(v.user.displayName) &&
    (v.user.staffRole === null || isString(v.user.staffRole)) &&
    (v.user.lenderId === null || isString(v.user.lenderId))
  );
}

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

export function roomSessions(): Record<string, RoomSession> {
  const all = read(ROOMS);
  if (!isObject(all)) return {};
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, RoomSession] => isRoomSession(e[1])));
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
  const session = read(STAFF);
  return isStaffSession(session) ? session : null;
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
