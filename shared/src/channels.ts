import { z } from 'zod';
import { UserId } from './ids';

/**
 * A chat channel of a case: the joint room everyone sees, or the private
 * caucus between the mediator and one party (`caucus:<party user id>`).
 * Each channel has its own gap-free sequence, so nobody can infer from the
 * joint sequence that a caucus happened or how long it was.
 */
export const JOINT = 'joint';
export const Channel = z.union([z.literal(JOINT), z.templateLiteral(['caucus:', UserId])]);
export type Channel = z.infer<typeof Channel>;

export function caucusChannel(partyUserId: string): `caucus:${string}` {
  return `caucus:${partyUserId}`;
}

/** The party of a caucus channel, or null for the joint channel. */
export function caucusParty(channel: string): string | null {
  return channel.startsWith('caucus:') ? channel.slice('caucus:'.length) : null;
}
