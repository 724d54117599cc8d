import { z } from 'zod';

/**
 * Who sees an evidence item. A case's evidence is shown to both parties by default (each side brings
 * its evidence for the other to answer); the mediator may mark an item as shown in caucus only, to one
 * side: then it reaches the mediator, the centre and that side only, by every path (the room's list
 * and viewer, downloads, the staff pages, exports, citations), as a caucus's words do.
 */
export const EvidenceSharing = z.enum(['both', 'caucus']);
export type EvidenceSharing = z.infer<typeof EvidenceSharing>;

/** The two sides of a case: the customer's, and the lender's (its staff and its representative in the room). */
export const PartySide = z.enum(['customer', 'lender']);
export type PartySide = z.infer<typeof PartySide>;

/** Who is looking: one of the sides, or neutral (the mediator, the centre's staff and admins). */
export type EvidenceViewer = PartySide | 'neutral';

/** `PUT /api/cases/:caseId/evidence/:evidenceId/sharing`: the mediator marks an item. */
export const EvidenceShareBody = z.discriminatedUnion('shownTo', [
  z.strictObject({ shownTo: z.literal('both') }),
  z.strictObject({ shownTo: z.literal('caucus'), side: PartySide }),
]);
export type EvidenceShareBody = z.infer<typeof EvidenceShareBody>;

/**
 * `POST /api/cases/:caseId/evidence`'s text fields: `caucus` shows the files to one side only from the
 * start (the mediator's choice, or a party's for its own side: shown to the mediator, not the other side).
 */
export const EvidenceUploadFields = z.strictObject({ caucus: PartySide.optional() });
export type EvidenceUploadFields = z.infer<typeof EvidenceUploadFields>;

/** Whether an item with this sharing reaches this viewer: the one rule every path applies. */
export function evidenceVisibleTo(
  item: { shownTo: EvidenceSharing; caucusSide: PartySide | null },
  viewer: EvidenceViewer,
): boolean {
  return item.shownTo === 'both' || viewer === 'neutral' || item.caucusSide === viewer;
}
