import type { Awareness } from 'y-protocols/awareness';

/** How long a caret's name stays up after its writer last typed or moved. */
export const CARET_LABEL_MS = 2500;

interface CaretUserState {
  name?: unknown;
  color?: unknown;
}

/** The extension draws a caret in a colour only when it is `#rrggbb`; the key must match what it draws. */
const colourOf = (color: unknown) => (typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? color : '');
const keyOf = (user: CaretUserState) =>
  `${typeof user.name === 'string' ? user.name : ''}\u0000${colourOf(user.color)}`;

/**
 * Everyone else's caret, whose name label fades (`.idle`) once its writer has been still for a moment, so
 * that it no longer covers the line above; it comes back as soon as they type or move. The caret
 * extension hands the builder the user only, so carets are told apart by name and colour (two tabs of
 * one person count as one writer).
 */
export class CaretLabels {
  private readonly lastActive = new Map<string, number>();
  private readonly labels = new Map<string, Set<HTMLElement>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly awareness: Awareness,
    private readonly idleMs = CARET_LABEL_MS,
  ) {}

  /** Follows the writers' moves until the returned function is called. */
  start(): () => void {
    this.awareness.on('change', this.onChange);
    return () => {
      this.awareness.off('change', this.onChange);
      for (const timer of this.timers.values()) clearTimeout(timer);
      this.timers.clear();
    };
  }

  private readonly onChange = ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const id of [...added, ...updated]) {
      if (id === this.awareness.clientID) continue;
      const user = (this.awareness.getStates().get(id) as { user?: CaretUserState } | undefined)?.user;
      if (user) this.wake(keyOf(user));
    }
  };

  private wake(key: string): void {
    this.lastActive.set(key, Date.now());
    const set = this.labels.get(key);
    for (const label of set ?? []) {
      if (label.isConnected) label.classList.remove('idle');
      else set?.delete(label);
    }
    this.schedule(key, this.idleMs);
  }

  private schedule(key: string, ms: number): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        const set = this.labels.get(key);
        for (const label of set ?? []) {
          if (label.isConnected) label.classList.add('idle');
          else set?.delete(label);
        }
      }, ms),
    );
  }

  /** The caret extension's `render`: the caret as it draws it, its label shown or faded by its writer's last move. */
  readonly render = (user: CaretUserState): HTMLElement => {
    const key = keyOf(user);
    const color = colourOf(user.color) || 'transparent';
    const caret = document.createElement('span');
    caret.classList.add('collaboration-carets__caret');
    caret.style.borderColor = color;
    const label = document.createElement('div');
    label.classList.add('collaboration-carets__label');
    label.style.backgroundColor = color;
    label.textContent = typeof user.name === 'string' ? user.name : '';
    caret.append(label);
    // A caret first seen (the page just opened) shows its name for a moment too.
    if (!this.lastActive.has(key)) {
      this.lastActive.set(key, Date.now());
      this.schedule(key, this.idleMs);
    } else if ((this.lastActive.get(key) ?? 0) + this.idleMs <= Date.now()) {
      label.classList.add('idle');
    }
    let set = this.labels.get(key);
    if (!set) this.labels.set(key, (set = new Set()));
    set.add(label);
    return caret;
  };
}
