import { maskName, type RightsAcknowledgement } from '@accord/shared';
import type { MemberStore, RightsStore } from '../store/types';

/**
 * The case's acknowledgements as the sealed record lists them: in the order given, each named as the
 * member record names the party (masked), never by typed text.
 */
export async function acknowledgementsForRecord(
  store: RightsStore & MemberStore,
  caseId: string,
): Promise<RightsAcknowledgement[]> {
  const [acks, members] = await Promise.all([store.listRightsAcks(caseId), store.listMembers(caseId)]);
  return acks.map((a) => ({
    userId: a.userId,
    role: a.role,
    name: maskName(members.find((m) => m.userId === a.userId)?.displayName ?? ''),
    language: a.language,
    version: a.version,
    sha256: a.sha256,
    at: a.at,
  }));
}
