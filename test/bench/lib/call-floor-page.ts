/**
 * The page of the floor baseline of the call benchmark: bare RTCPeerConnections, no framework, no
 * server; the benchmark process passes each signal from page to page (`floorSend` is a binding it
 * exposes). Kept as a plain script string because Playwright serialises functions passed to
 * `page.evaluate` by their source, and the names the TypeScript loader adds to compiled functions
 * do not exist in the page.
 */
export const FLOOR_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>floor</title></head><body>
<script>
(() => {
  let stream = null;
  /** peer name → { pc, chain }: each peer's signals are applied in order, one after another. */
  const peers = new Map();
  const entry = (name) => {
    let e = peers.get(name);
    if (e) return e;
    const pc = new RTCPeerConnection();
    for (const t of stream.getTracks()) pc.addTrack(t, stream);
    pc.onicecandidate = (ev) => {
      if (ev.candidate) window.floorSend(name, { candidate: ev.candidate.toJSON() });
    };
    // A decoder runs only for a track that plays somewhere, as in a real page.
    pc.ontrack = (ev) => {
      if (ev.track.kind !== 'video') return;
      const v = document.createElement('video');
      v.muted = true;
      v.autoplay = true;
      v.playsInline = true;
      v.srcObject = new MediaStream([ev.track]);
      document.body.appendChild(v);
      e.video = v;
    };
    e = { pc, chain: Promise.resolve(), video: null };
    peers.set(name, e);
    return e;
  };
  const framesFrom = async (pc) => {
    let frames = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
    });
    return frames;
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const now = () => performance.timeOrigin + performance.now();
  /**
   * Resolves when \`count\` peers are connected and each has decoded a frame: the absolute time; \`marks\`
   * gets when every connection was first 'connected'.
   */
  const untilFrames = async (count, timeoutMs, marks = {}) => {
    const end = performance.now() + timeoutMs;
    for (;;) {
      if (peers.size >= count) {
        const all = [...peers.values()];
        if (marks.connectedAt === undefined && all.every((e) => e.pc.connectionState === 'connected')) {
          marks.connectedAt = now();
        }
        const frames = await Promise.all(all.map((e) => framesFrom(e.pc)));
        if (frames.every((f) => f > 0)) return now();
      }
      if (performance.now() > end) throw new Error('no frames from every peer in time');
      await sleep(20);
    }
  };
  window.floor = {
    async media() {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    },
    async call(name) {
      const { pc } = entry(name);
      await pc.setLocalDescription();
      window.floorSend(name, { description: pc.localDescription.toJSON() });
    },
    receive(from, msg) {
      const e = entry(from);
      e.chain = e.chain.then(async () => {
        if (msg.description) {
          await e.pc.setRemoteDescription(msg.description);
          if (msg.description.type === 'offer') {
            await e.pc.setLocalDescription();
            window.floorSend(from, { description: e.pc.localDescription.toJSON() });
          }
        } else if (msg.candidate) {
          await e.pc.addIceCandidate(msg.candidate);
        }
      }).catch((err) => console.error('floor signal', err));
    },
    /** The timed join: offers to every name and waits for a decoded frame from each; times in ms. */
    async join(names, timeoutMs) {
      const startAt = now();
      for (const n of names) void window.floor.call(n);
      const marks = {};
      const doneAt = await untilFrames(names.length, timeoutMs, marks);
      // No server: the joiner is "in the call" the moment it starts.
      return { startAt, doneAt, ms: doneAt - startAt, joinedMs: 0, linksMs: 0, connectedMs: (marks.connectedAt ?? doneAt) - startAt };
    },
    untilFrames,
    hangUp(name) {
      const e = peers.get(name);
      if (!e) return;
      e.pc.close();
      e.video?.remove();
      peers.delete(name);
    },
    hangUpAll() {
      for (const n of [...peers.keys()]) window.floor.hangUp(n);
    },
    count: () => peers.size,
  };
})();
</script>
</body></html>`;
