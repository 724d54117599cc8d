/** Who wrote a post of a case's question thread. */
export type QuestionAuthorRole = 'customer' | 'lender' | 'centre';

/** One post of a case's question thread: a question from the customer, or an answer to one. */
export interface QuestionPostRecord {
  /** Made by the client once per post: a post sent again with the same id is stored once. */
  id: string;
  caseId: string;
  /** Per case, from 1, in the order stored. */
  seq: number;
  kind: 'question' | 'answer';
  /** The question an answer answers; null for a question. */
  replyTo: string | null;
  authorId: string;
  authorRole: QuestionAuthorRole;
  /** The staff member's display name; empty for the customer (never their name). */
  authorName: string;
  body: string;
  at: string;
}

export type NewQuestionPost = Omit<QuestionPostRecord, 'seq'>;

export interface QuestionStore {
  /**
   * Stores a post with the case's next seq, atomically. Idempotent by id: a post whose id is already
   * stored is not stored again; the stored one is returned (`created` false).
   */
  addQuestionPost(post: NewQuestionPost): Promise<{ record: QuestionPostRecord; created: boolean }>;
  /** The case's posts, by seq. */
  listQuestionPosts(caseId: string): Promise<QuestionPostRecord[]>;
  /** Every case with questions that have no answer yet, with how many (unordered). */
  openQuestionCounts(): Promise<{ caseId: string; open: number }[]>;
}
