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
    .regex(/^[0-9a-f]{64}$/)
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
]);
export type ActivityKind = z.infer<typeof ActivityKind>;

/** One entry of the room's activity feed: who did what to whom, when. */
export const Activity = z.object({
  caseId: CaseId,
  /** Opaque and unordered on purpose: a sequence number would show how many hidden entries came between. */
  id: z.string(),
  kind: ActivityKind,
  at: IsoDateTime,
  actor: z.object({ userId: UserId, displayName: z.string(), role: CaseRole }),
  target: z.object({ userId: UserId, displayName: z.string() }).nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.boolean(), z.number(), z.null()])),
});
export type Activity = z.infer<typeof Activity>;

export const ActivityListResult = z.object({ entries: z.array(Activity), hasMore: z.boolean() });
export type ActivityListResult = z.infer<typeof ActivityListResult>;
