/**
 * The words of evidence citations (the `cite` key of each locale, spread in by client/src/i18n): the
 * chat's and the agreement editor's "cite evidence" button, its picker, and cited items' chips.
 * zh-CN has exactly the keys of English.
 */
export const citeEn = {
  button: 'Cite evidence',
  pickerTitle: 'Cite evidence',
  loading: 'Loading the evidence…',
  none: 'There is no evidence here that everyone reading can see.',
  addedBy: 'added by {{who}}, {{when}}',
  close: 'Close',
  remove: 'Remove “{{name}}”',
  chosen: 'Cited evidence',
  open: 'Open the evidence “{{name}}”',
  max: 'At most {{max}} items in one message.',
  failed: 'The evidence could not be loaded.',
};

export const citeZhCN: typeof citeEn = {
  button: '引用证据',
  pickerTitle: '引用证据',
  loading: '正在加载证据…',
  none: '这里没有所有读者都能看到的证据。',
  addedBy: '由 {{who}} 于 {{when}} 添加',
  close: '关闭',
  remove: '移除“{{name}}”',
  chosen: '已引用的证据',
  open: '打开证据“{{name}}”',
  max: '每条消息最多引用 {{max}} 份证据。',
  failed: '无法加载证据。',
};
