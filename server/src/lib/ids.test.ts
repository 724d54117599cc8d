import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './ids';

describe('chat message ids', () => {
  it('are version-7 UUIDs that sort in the order they were made, within a millisecond too', () => {
    const at = Date.UTC(2026, 10, 28, 22, 0, 0);
    const ids = [uuidv7(at - 1), uuidv7(at), uuidv7(at), uuidv7(at), uuidv7(at + 1)];
    for (const id of ids) expect(z.uuidv7().safeParse(id).success).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = at.toString(16).padStart(12, '0');
    expect(ids[1]?.slice(0, 13)).toBe(`${ms.slice(0, 8)}-${ms.slice(8)}`);
  });
});
