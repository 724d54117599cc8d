import { useEffect, useState } from 'react';
import { InviteAcceptResult } from '@accord/shared';
import { RoomPreview } from './room/RoomPreview';

type Entry =
  | { state: 'home' }
  | { state: 'joining' }
  | { state: 'joined'; session: InviteAcceptResult }
  | { state: 'failed'; message: string };

const inviteFromPath = (): string | null => /^\/join\/([^/]+)$/.exec(window.location.pathname)?.[1] ?? null;

/**
 * A placeholder shell until the full room client lands: opening an invite link
 * exchanges it for a session and shows the live room (participants and chat).
 */
export function App() {
  const [entry, setEntry] = useState<Entry>(() => (inviteFromPath() ? { state: 'joining' } : { state: 'home' }));

  useEffect(() => {
    const invite = inviteFromPath();
    if (!invite) return;
    void fetch(`/api/invites/${encodeURIComponent(invite)}/accept`, { method: 'POST' })
      .then(async (res) => {
        const body: unknown = await res.json();
        if (!res.ok) throw new Error((body as { error?: { message?: string } }).error?.message ?? res.statusText);
        const session = InviteAcceptResult.parse(body);
        // Drop the invite from the address bar and history once it is used.
        window.history.replaceState(null, '', `/cases/${session.caseId}`);
        setEntry({ state: 'joined', session });
      })
      .catch((err: unknown) => setEntry({ state: 'failed', message: (err as Error).message }));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '0 auto', padding: 16 }}>
      <h1>Accord 调解室</h1>
      {entry.state === 'home' && <p>Open the invite link you were sent to enter your mediation room.</p>}
      {entry.state === 'joining' && <p>Joining…</p>}
      {entry.state === 'failed' && <p role="alert">Could not join: {entry.message}</p>}
      {entry.state === 'joined' && <RoomPreview session={entry.session} />}
    </main>
  );
}
