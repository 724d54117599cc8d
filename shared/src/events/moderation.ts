import { z } from 'zod';
import { Phase } from '../phases';
import { CaseId, IsoDateTime, UserId } from '../ids';
import { CaseRole } from '../roles';

/**
 * Moves the session to another phase (mediator); `caucus` is entered with `caucus:open`, and
 * `concluded` only by sealing the outcome (`outcome:sign`, `outcome:seal`), so neither is a phase here.
 */
export const PhasePayload = z.strictObject({ phase: Phase.exclude(['caucus', 'concluded']) });

export const SettingsPayload = z
  .strictObject({ lobby: z.boolean().optional(), quietOpening: z.boolean().optional() })
  .refine((v) => v.lobby !== undefined || v.quietOpening !== undefined, 'change at least one setting');

/** Admits one waiting person, or everyone waiting. */
export const AdmitPayload = z.union([z.strictObject({ userId: UserId }), z.strictObject({ all: z.literal(true) })]);

export const CaucusOpenPayload = z.strictObject({ userId: UserId });

/** A private session the asker took part in: open now, or over (then read-only). */
export const CaucusSummary = z.object({
  userId: UserId,
  displayName: z.string(),
  open: z.boolean(),
});
export type CaucusSummary = z.infer<typeof CaucusSummary>;

/**
 * The caucuses whose chat and shared notes the asker may read: every one for the mediator, a
 * party's own for a party (never another party's), none for anyone else. Oldest first.
 */
export const CaucusListResult = z.object({ caucuses: z.array(CaucusSummary) });
export type CaucusListResult = z.infer<typeof CaucusListResult>;
export const EmptyPayload = z.strictObject({});
export const MutePayload = z.strictObject({ userId: UserId, muted: z.boolean() });
export const RemovePayload = z.strictObject({ userId: UserId });
export const LockPayload = z.strictObject({ locked: z.boolean() });
export const PinPayload = z.strictObject({
  text: z
    .string()
    .max(1000)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .nullable(),
});
export const HandPayload = z.strictObject({ raised: z.boolean() });
export const LowerHandPayload = z.strictObject({ userId: UserId });

export const ActivityListPayload = z.strictObject({
  /** The `id` of the oldest entry held; the page before it is returned. */
  before: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  limit: z.int().min(1).max(100).default(50),
});

/** What a moderation entry records; the kinds the activity feed shows. */
export const ActivityKind = z.enum([
  'phase.changed',
  'settings.changed',
  'lobby.admitted',
  'caucus.opened',
  'caucus.closed',
  'member.muted',
  'member.unmuted',
  'member.removed',
  'agreement.locked',
  'agreement.unlocked',
  'announcement.pinned',
  'announcement.unpinned',
  'hand.raised',
  'hand.lowered',
  'agreement.frozen',
  'agreement.unfrozen',
  'agreement.signed',
  'outcome.sealed',
  /**
   * A settlement term's value changed (written by the server for the member whose update changed it):
   * detail `term`, `from`, `to` (stored values: cents, ISO dates, …) and `conflict` (null; 'overwrote':
   * `to` replaced `from`, written at the same time by `target`; 'lost': `to` lost to `target`'s `from`).
   */
  'terms.changed',
  // Recovery (shared/src/recovery.ts): the target is the party concerned; no PIN or link is ever in an entry.
  'member.reinvited',
  'invite.reissued',
  'pin.reset',
  'pin.delivered',
  // The customer declared or changed their hardship: detail `kind` (never the description).
  'hardship.declared',
  'hardship.updated',
  // The mediator put a clause of the assistant's proposal into the agreement: detail `edited` (boolean), `clauseId`.
  'assistant.clause_added',
]);
export type ActivityKind = z.infer<typeof ActivityKind>;

/** One entry of the room's activity feed: who did what to whom, when. */
export const Activity = z.object({
  caseId: CaseId,
  /**
   * Opaque on purpose (32 hex digits, an HMAC of the audit entry under a server secret): neither a
   * sequence number nor the entry's hash, either of which would show how many hidden entries came between.
   */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  kind: ActivityKind,
  at: IsoDateTime,
  actor: z.object({ userId: UserId, displayName: z.string(), role: CaseRole }),
  target: z.object({ userId: UserId, displayName: z.string() }).nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.boolean(), z.number(), z.null()])),
});
export type Activity = z.infer<typeof Activity>;

/** For each settlement term, the `terms.changed` entry that gave it its current value. */
export const TermsLastResult = z.object({ entries: z.array(Activity) });
export type TermsLastResult = z.infer<typeof TermsLastResult>;

export const ActivityListResult = z.object({ entries: z.array(Activity), hasMore: z.boolean() });
export type ActivityListResult = z.infer<typeof ActivityListResult>;
