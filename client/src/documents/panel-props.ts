/** The document requests panel's props (apart, so the tracking page's lazy wrapper needs none of its code). */
export interface DocumentRequestsPanelProps {
  caseId: string;
  token: string;
  /** Read the requests again when this changes (a pushed progress, history step or room nudge). */
  version?: number | string;
  timeZone?: string;
  /** The room's mediator: overdue requests are put first and called out. */
  flagOverdue?: boolean;
}
