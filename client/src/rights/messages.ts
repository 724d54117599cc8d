/**
 * The words around the rights and duties (the `rights` key of each locale, spread in by client/src/i18n;
 * the text itself is content, from the server). zh-CN has exactly the keys of English.
 */
export const rightsEn = {
  loading: 'Loading your rights and duties…',
  intro: 'Before you enter the mediation room, please read what this mediation is and what your rights and duties are.',
  readAgain: 'Your rights and duties',
  understood: 'I have read and understand what this mediation is and my rights and duties.',
  continue: 'Continue to the mediation room',
  continuing: 'Saving…',
  retry: 'Try again',
  close: 'Close',
  changed: 'The text has just been updated. Please read it again.',
  acknowledgedAt: 'You acknowledged this on {{time}}.',
  versionLine: 'Text version {{version}}',
  /** In the sealed record. */
  record: {
    heading: 'Rights and duties acknowledged',
    who: '{{name}} ({{role}})',
    acknowledged: '{{who}} acknowledged version {{version}} ({{language}}) on {{time}}',
    notAcknowledged: '{{who}} did not acknowledge the rights and duties',
    languages: { 'zh-CN': 'Chinese', en: 'English' },
  },
};

export const rightsZhCN: typeof rightsEn = {
  loading: '正在加载调解须知……',
  intro: '进入调解室之前，请先阅读本次调解的性质以及您的权利与义务。',
  readAgain: '您的权利与义务',
  understood: '我已阅读并理解本次调解的性质以及我的权利与义务。',
  continue: '进入调解室',
  continuing: '正在保存……',
  retry: '重试',
  close: '关闭',
  changed: '须知内容刚刚有更新，请重新阅读。',
  acknowledgedAt: '您已于 {{time}} 确认。',
  versionLine: '文本版本 {{version}}',
  record: {
    heading: '调解须知的确认',
    who: '{{name}}（{{role}}）',
    acknowledged: '{{who}} 于 {{time}} 确认了第 {{version}} 版须知（{{language}}）',
    notAcknowledged: '{{who}} 未确认调解须知',
    languages: { 'zh-CN': '中文', en: '英文' },
  },
};

/** The server's reasons about acknowledgements (`errors.reasons.rights` of the first part of the strings). */
export const rightsReasonsEn = {
  partiesOnly: 'Only the two parties of the case acknowledge their rights and duties.',
  textChanged: 'The text has been updated since you opened it. Please read it again.',
};

export const rightsReasonsZhCN: typeof rightsReasonsEn = {
  partiesOnly: '只有本案双方当事人需要确认权利与义务。',
  textChanged: '须知内容在您打开后有更新，请重新阅读。',
};
