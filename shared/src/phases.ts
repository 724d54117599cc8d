import { z } from 'zod';

/**
 * The phases of a mediation session. Only the mediator moves between them,
 * along the transitions below; the phase sets the rules of the room.
 */
export const Phase = z.enum(['scheduled', 'opening', 'joint', 'caucus', 'drafting', 'signing', 'concluded']);
export type Phase = z.infer<typeof Phase>;

export const PHASE_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  scheduled: ['opening', 'joint', 'concluded'],
  opening: ['joint', 'concluded'],
  joint: ['caucus', 'drafting', 'concluded'],
  caucus: ['joint', 'drafting', 'concluded'],
  drafting: ['joint', 'caucus', 'signing', 'concluded'],
  signing: ['drafting', 'concluded'],
  concluded: [],
};

export function canTransition(from: Phase, to: Phase): boolean {
  return PHASE_TRANSITIONS[from].includes(to);
}

/** Who may post in the joint chat in a phase (the mediator always may, until concluded). */
export function partiesMayPost(phase: Phase, quietOpening: boolean): boolean {
  if (phase === 'concluded') return false;
  if (phase === 'opening' && quietOpening) return false;
  return true;
}

/**
 * Who may change the agreement in a phase: the parties while drafting, the
 * mediator also while preparing it in joint session or caucus. Nobody during
 * signing (the text is frozen) or after the session.
 */
export function mayEditAgreement(phase: Phase, isMediator: boolean): boolean {
  if (phase === 'drafting') return true;
  return isMediator && (phase === 'joint' || phase === 'caucus');
}
