import { describe, expect, it } from 'vitest';
import { EvidenceShareBody, EvidenceUploadFields, evidenceVisibleTo, type EvidenceViewer } from './evidence';

describe('evidence sharing rule', () => {
  const viewers: EvidenceViewer[] = ['customer', 'lender', 'neutral'];

  it('an item shown to both reaches everyone; one shown in caucus reaches its side and the neutral only', () => {
    for (const v of viewers) expect(evidenceVisibleTo({ shownTo: 'both', caucusSide: null }, v)).toBe(true);
    const forCustomer = { shownTo: 'caucus', caucusSide: 'customer' } as const;
    expect(viewers.filter((v) => evidenceVisibleTo(forCustomer, v))).toEqual(['customer', 'neutral']);
    const forLender = { shownTo: 'caucus', caucusSide: 'lender' } as const;
    expect(viewers.filter((v) => evidenceVisibleTo(forLender, v))).toEqual(['lender', 'neutral']);
    // A caucus row with no side (never written) reaches no party.
    expect(viewers.filter((v) => evidenceVisibleTo({ shownTo: 'caucus', caucusSide: null }, v))).toEqual(['neutral']);
  });

  it('a caucus needs a side; nothing else is accepted', () => {
    expect(EvidenceShareBody.safeParse({ shownTo: 'caucus' }).success).toBe(false);
    expect(EvidenceShareBody.safeParse({ shownTo: 'both', side: 'lender' }).success).toBe(false);
    expect(EvidenceShareBody.safeParse({ shownTo: 'caucus', side: 'lender' }).success).toBe(true);
    expect(EvidenceUploadFields.safeParse({ caucus: 'both' }).success).toBe(false);
    expect(EvidenceUploadFields.safeParse({}).success).toBe(true);
  });
});
