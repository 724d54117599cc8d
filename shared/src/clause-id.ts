/** The id of the clause holding the settlement terms (apart from the agreement's text, which needs Yjs). */
export const TERMS_CLAUSE_ID = 'terms';
