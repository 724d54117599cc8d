import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorBody, SurveyView } from '@accord/shared';
import { SqliteStore } from '@accord/server';
import { connectRoom } from '../helpers/clients';
import { httpClient } from '../helpers/http';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTestCase, makeTempDir, startServer } from '../helpers/server';

const dataDir = makeTempDir('accord-survey-kill-');
// The server process and the directory go when the file ends (spawnOwned, makeTempDir), however it ends.
let proc: ServerProcess | null = null;

describe('a survey answer acknowledged before a kill -9 is kept, and still counts as answered', () => {
  it('answered on a real server process, killed at once; the store and a restarted node have it', async () => {
    // The case, ended without settlement, is made in-process on the data dir, then served by a real process.
    const setup = await startServer({ dataDir });
    const c = await createTestCase(setup.server, setup.url, { roles: ['customer', 'platform', 'mediator'] });
    const mediator = await connectRoom(setup.url, c.tokens.mediator, c.caseId);
    const sealed = await mediator.socket.emitWithAck('outcome:seal', {
      outcome: 'not_settled',
      reason: '未达成一致。',
    });
    expect(sealed.ok).toBe(true);
    mediator.close();
    await setup.close();

    proc = await spawnServer(dataDir, { ACCORD_SEED: 'false' });
    const live = proc;
    const call = httpClient(() => live.url);
    const answers = { satisfaction: 5, heard: true, fair: true, again: true, comment: '断电之前的回答' };
    const res = await call<SurveyView>('POST', `/api/cases/${c.caseId}/survey`, c.tokens.customer, answers);
    expect(res).toEqual({ status: 201, body: { state: 'answered', role: 'customer' } });
    // No shutdown hook runs: only what was committed before the answer is there.
    await proc.kill9();

    const store = new SqliteStore({ filename: join(dataDir, 'accord.db') });
    const stored = await store.listSurveyResponses([c.caseId]);
    expect(stored.map(({ role, satisfaction, comment }) => ({ role, satisfaction, comment }))).toEqual([
      { role: 'customer', satisfaction: 5, comment: '断电之前的回答' },
    ]);
    expect(await store.hasAnsweredSurvey(c.caseId, c.userIds.customer)).toBe(true);
    await store.close();

    const again = await startServer({ dataDir });
    const after = httpClient(() => again.url);
    expect((await after<SurveyView>('GET', `/api/cases/${c.caseId}/survey`, c.tokens.customer)).body.state).toBe(
      'answered',
    );
    const twice = await after<{ error: ErrorBody }>(
      'POST',
      `/api/cases/${c.caseId}/survey`,
      c.tokens.customer,
      answers,
    );
    expect(twice.body.error.reason).toBe('survey.alreadyAnswered');
    expect(await again.server.store.listSurveyResponses([c.caseId])).toHaveLength(1);
    await again.close();
  });
});
