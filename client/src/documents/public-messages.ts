/**
 * The document requests' words the tracking page needs at first paint (its timeline) and the error
 * reasons (`errors.reasons.documents`): in the first part of the strings, so kept small.
 */
export const documentsTimelineEn = {
  customer: {
    documents_requested: 'You asked the lender for a document',
    documents_provided: 'The lender provided a document you asked for',
    documents_declined: 'The lender declined to provide a document you asked for',
  },
  staff: {
    documents_requested: 'The complainant asked the lender for a document',
    documents_provided: 'A requested document was provided',
    documents_declined: 'A requested document was declined',
  },
};

export const documentsTimelineZhCN: typeof documentsTimelineEn = {
  customer: {
    documents_requested: '您向贷款方申请了材料',
    documents_provided: '贷款方提供了您申请的材料',
    documents_declined: '贷款方拒绝提供您申请的材料',
  },
  staff: {
    documents_requested: '投诉人向贷款方申请了材料',
    documents_provided: '申请的材料已提供',
    documents_declined: '申请的材料被拒绝提供',
  },
};

export const documentReasonsEn = {
  customerOnly: 'Only the complainant can ask the lender for documents.',
  answerersOnly: 'Only the lender’s staff and the mediation centre can answer a document request.',
  closed: 'The case has ended (“$t(statuses.{{status}})”): no more document requests or answers.',
  noSuchRequest: 'This document request is not part of the case; reload the page.',
  answered: 'This request has already been answered; reload the page to see the answer.',
  none: 'Choose at least one file to send.',
};

export const documentReasonsZhCN: typeof documentReasonsEn = {
  customerOnly: '只有投诉人可以向贷款方申请材料。',
  answerersOnly: '只有贷款方工作人员和调解中心可以答复材料申请。',
  closed: '本案已结束（“$t(statuses.{{status}})”），不能再申请或答复材料。',
  noSuchRequest: '本案中没有这项材料申请，请刷新页面。',
  answered: '这项申请已经答复过了，请刷新页面查看。',
  none: '请至少选择一个文件。',
};
