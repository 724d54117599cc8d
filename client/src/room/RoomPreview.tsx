import { useEffect, useRef, useState, type FormEvent } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatMessage,
  ClientToServerEvents,
  InviteAcceptResult,
  Participant,
  ServerToClientEvents,
} from '@accord/shared';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Minimal live room: who is here, the chat, and a box to write in. */
export function RoomPreview({ session }: { session: InviteAcceptResult }) {
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [status, setStatus] = useState('connecting');
  const [text, setText] = useState('');
  const socketRef = useRef<RoomSocket | null>(null);
  const lastSeq = useRef(0);

  useEffect(() => {
    const socket: RoomSocket = io({
      auth: (cb) => cb({ token: session.token, caseId: session.caseId, lastSeq: lastSeq.current }),
      transports: ['websocket'],
    });
    socketRef.current = socket;
    socket.on('connect', () => setStatus('connected'));
    socket.on('disconnect', () => setStatus('reconnecting'));
    socket.on('connect_error', (err) => setStatus(`error: ${err.message}`));
    socket.on('presence', (p) => setParticipants(p.participants));
    socket.on('chat:message', (m) => {
      if (m.seq <= lastSeq.current) return;
      lastSeq.current = m.seq;
      setMessages((list) => [...list, m]);
    });
    return () => {
      socket.disconnect();
    };
  }, [session]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || !socketRef.current) return;
    setText('');
    socketRef.current.emit('chat:send', { clientId: crypto.randomUUID(), text: body }, (res) => {
      if (!res.ok) setStatus(`send failed: ${res.error.message}`);
    });
  };

  return (
    <section>
      <p>
        {session.displayName} ({session.role}) · {status}
      </p>
      <ul aria-label="participants">
        {participants.map((p) => (
          <li key={p.userId}>
            {p.displayName} · {p.role} · {p.online ? 'online' : 'offline'}
          </li>
        ))}
      </ul>
      <ol aria-label="chat">
        {messages.map((m) => (
          <li key={m.seq}>
            <strong>{m.senderName}</strong>: {m.text}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <label>
          Message <input value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
        </label>
        <button type="submit">Send</button>
      </form>
    </section>
  );
}
