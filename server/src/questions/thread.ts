import type { QuestionAuthor, QuestionView } from '@accord/shared';
import type { QuestionPostRecord } from '../store/types';

function authorOf(p: QuestionPostRecord): QuestionAuthor {
  return { role: p.authorRole, name: p.authorRole === 'customer' ? null : p.authorName };
}

/** The posts as questions, each with its answers, oldest first. */
export function threadOf(posts: QuestionPostRecord[]): QuestionView[] {
  const questions = posts.filter((p) => p.kind === 'question');
  return questions.map((q) => {
    const answers = posts
      .filter((p) => p.kind === 'answer' && p.replyTo === q.id)
      .map((a) => ({ id: a.id, author: authorOf(a), body: a.body, at: a.at }));
    return {
      id: q.id,
      author: authorOf(q),
      body: q.body,
      at: q.at,
      status: answers.length > 0 ? 'answered' : 'open',
      answers,
    };
  });
}
