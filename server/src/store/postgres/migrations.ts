/**
 * Versioned migrations for PostgreSQL, the same schema as SQLite's in
 * PostgreSQL's types. Each runs once, in order, in a transaction; the
 * `schema_migrations` table records them.
 */
export const postgresMigrations: readonly string[] = [
  /* 1: the whole schema as of SQLite migration 4 */ `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'guest')),
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    staff_role TEXT,
    password_hash TEXT,
    must_change_password BOOLEAN NOT NULL DEFAULT false,
    created_at TEXT NOT NULL
  );
  CREATE TABLE case_numbers (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
  CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    status_since TEXT NOT NULL,
    amount_in_dispute_cents BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    desired_outcome TEXT NOT NULL DEFAULT '',
    customer_id TEXT,
    mediator_id TEXT,
    session_starts_at TEXT,
    session_time_zone TEXT,
    session_minutes INTEGER,
    question TEXT,
    rejection_reason TEXT,
    tracking_id TEXT UNIQUE,
    tracking_pin_hash TEXT,
    tracking_revoked_at TEXT,
    purged_at TEXT
  );
  CREATE INDEX cases_status ON cases(status, status_since);
  CREATE TABLE case_members (
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    added_at TEXT NOT NULL,
    admitted BOOLEAN NOT NULL DEFAULT false,
    muted BOOLEAN NOT NULL DEFAULT false,
    hand_raised BOOLEAN NOT NULL DEFAULT false,
    removed_at TEXT,
    PRIMARY KEY (case_id, user_id)
  );
  CREATE INDEX case_members_user ON case_members(user_id);
  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    pin_hash TEXT
  );
  CREATE INDEX invites_case ON invites(case_id);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    case_id TEXT,
    invite_id TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX sessions_invite ON sessions(invite_id);
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE room_heads (case_id TEXT NOT NULL, channel TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (case_id, channel));
  CREATE TABLE messages (
    case_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    sender_role TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, channel, seq),
    UNIQUE (case_id, sender_id, client_id)
  );
  CREATE TABLE doc_updates (id BIGSERIAL PRIMARY KEY, doc_name TEXT NOT NULL, data BYTEA NOT NULL);
  CREATE INDEX doc_updates_doc ON doc_updates(doc_name, id);
  CREATE TABLE doc_snapshots (doc_name TEXT PRIMARY KEY, data BYTEA NOT NULL, through_id BIGINT NOT NULL);
  CREATE TABLE room_state (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    phase TEXT NOT NULL,
    lobby BOOLEAN NOT NULL,
    quiet_opening BOOLEAN NOT NULL,
    agreement_locked BOOLEAN NOT NULL,
    caucus_user_id TEXT,
    pinned_text TEXT,
    pinned_by TEXT,
    pinned_at TEXT,
    version INTEGER NOT NULL
  );
  CREATE TABLE audit_log (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
  );
  CREATE TABLE freezes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    text TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    frozen_at TEXT NOT NULL,
    frozen_by TEXT NOT NULL,
    terms TEXT NOT NULL,
    signers TEXT NOT NULL,
    voided_at TEXT
  );
  CREATE INDEX freezes_case ON freezes(case_id, frozen_at);
  -- At most one freeze in force per case.
  CREATE UNIQUE INDEX freezes_open ON freezes(case_id) WHERE voided_at IS NULL;
  CREATE TABLE signatures (
    freeze_id TEXT NOT NULL REFERENCES freezes(id),
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (freeze_id, user_id)
  );
  CREATE TABLE outcomes (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    record TEXT NOT NULL,
    signature TEXT NOT NULL,
    sealed_at TEXT NOT NULL
  );
  CREATE TABLE case_pii (case_id TEXT PRIMARY KEY REFERENCES cases(id), data BYTEA NOT NULL);
  CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    uploaded_by TEXT NOT NULL,
    uploader_role TEXT NOT NULL,
    name TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
  );
  CREATE INDEX evidence_case ON evidence(case_id, uploaded_at);
  CREATE TABLE mediator_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    organisation TEXT NOT NULL,
    languages TEXT NOT NULL,
    specialities TEXT NOT NULL
  );
  `,
  /* 2: as SQLite migration 5, the phase a caucus returns to and who has had one */ `
  ALTER TABLE room_state ADD COLUMN caucus_return_phase TEXT;
  ALTER TABLE room_state ADD COLUMN caucus_parties TEXT NOT NULL DEFAULT '[]';
  UPDATE room_state SET caucus_return_phase = 'joint' WHERE caucus_user_id IS NOT NULL;
  UPDATE room_state SET caucus_parties = json_build_array(caucus_user_id)::text WHERE caucus_user_id IS NOT NULL;
  `,
  /* 3: the language a case is conducted in; cases filed before it existed were Chinese */ `ALTER TABLE cases ADD COLUMN language TEXT NOT NULL DEFAULT 'zh-CN';`,
  /* 4: staff e-mail addresses, and the outbox of notices (notify/) */ `
  ALTER TABLE users ADD COLUMN email TEXT;
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    case_id TEXT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    not_before TEXT NOT NULL,
    expires_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    sent_at TEXT,
    dropped_at TEXT,
    drop_reason TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
  );
  -- The sender's query: unsent, undropped messages by when they are next due.
  CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
  CREATE INDEX outbox_case ON outbox(case_id, kind);
`,
  /* 5: as SQLite migration 8, when a party's signing PIN was last reset */ `ALTER TABLE invites ADD COLUMN pin_reset_at TEXT;`,
  /* 6: lenders (organisations), the lender of a lender-staff account and of a case, deactivated accounts, and the account-level audit trail */ `
  CREATE TABLE lenders (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
  ALTER TABLE users ADD COLUMN lender_id TEXT REFERENCES lenders(id);
  ALTER TABLE users ADD COLUMN deactivated_at TEXT;
  ALTER TABLE cases ADD COLUMN lender_id TEXT REFERENCES lenders(id);
  CREATE INDEX cases_lender ON cases(lender_id);
  CREATE TABLE account_events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX account_events_target ON account_events(target_id, at);
`,
  /* 7: as SQLite migration 10, negotiation (issue 18): clause consent, who writes with each Yjs client id, closed rounds, blind offers and their results, the customer's hardship declaration, and each lender's repayment-plan limits */ `
  CREATE TABLE clause_consent (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    clause_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
  );
  CREATE TABLE doc_authors (
    case_id TEXT NOT NULL REFERENCES cases(id),
    client BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (case_id, client)
  );
  CREATE TABLE negotiation_rounds (
    case_id TEXT NOT NULL REFERENCES cases(id),
    n INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    note TEXT NOT NULL,
    text TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    terms TEXT NOT NULL,
    clauses TEXT NOT NULL,
    PRIMARY KEY (case_id, n)
  );
  CREATE TABLE blind_offers (
    case_id TEXT NOT NULL REFERENCES cases(id),
    round INTEGER NOT NULL,
    role TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, round, role)
  );
  CREATE TABLE offer_results (
    case_id TEXT NOT NULL REFERENCES cases(id),
    round INTEGER NOT NULL,
    overlap BOOLEAN NOT NULL,
    midpoint_cents BIGINT,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, round)
  );
  CREATE TABLE hardships (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    kind TEXT NOT NULL,
    since TEXT,
    description TEXT NOT NULL,
    evidence_ids TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  ALTER TABLE lenders ADD COLUMN plan_policy TEXT;
  ALTER TABLE freezes ADD COLUMN clauses TEXT;
`,
  /* 8: as SQLite migration 11, the mediation assistant and after (issue 19): each case's classified dispute type and the mediator's corrections, what the mediator did with each proposed clause, the pre-session question thread, and the anonymous surveys (who answered is kept apart from what was answered) */ `
  CREATE TABLE case_assistant (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    model_type TEXT NOT NULL,
    model_probability DOUBLE PRECISION NOT NULL,
    model_version TEXT NOT NULL,
    corrected_type TEXT,
    corrected_facts TEXT,
    corrected_by TEXT,
    classified_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE proposal_uses (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL,
    clause_id TEXT,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
  );
  CREATE TABLE case_questions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    reply_to TEXT,
    author_id TEXT NOT NULL,
    author_role TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (case_id, seq)
  );
  CREATE TABLE survey_answered (
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
  );
  CREATE TABLE survey_responses (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    role TEXT NOT NULL,
    satisfaction INTEGER NOT NULL,
    heard BOOLEAN NOT NULL,
    fair BOOLEAN NOT NULL,
    again BOOLEAN NOT NULL,
    comment TEXT NOT NULL,
    day TEXT NOT NULL
  );
  CREATE INDEX survey_responses_case ON survey_responses(case_id);
`,
  // Evidence from every side, shown to both parties or in caucus to one (issue 21); document requests.
  `
  ALTER TABLE evidence ADD COLUMN uploader_name TEXT;
  ALTER TABLE evidence ADD COLUMN shown_to TEXT NOT NULL DEFAULT 'both';
  ALTER TABLE evidence ADD COLUMN caucus_side TEXT;
  ALTER TABLE evidence ADD COLUMN request_id TEXT;
  ALTER TABLE lenders ADD COLUMN document_due_days INTEGER;
`,
  // A chat message's cited evidence (issue 21): NULL for a message that cites none.
  `
  ALTER TABLE messages ADD COLUMN cites TEXT;
`,
  // Document requests: the customer asks the lender for named documents, answered before a due date (issue 21).
  `
  CREATE TABLE document_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL,
    answered_at TEXT,
    answered_by TEXT,
    answered_role TEXT,
    answered_name TEXT,
    reason TEXT
  );
  CREATE INDEX document_requests_case ON document_requests(case_id, requested_at);
  CREATE INDEX document_requests_open ON document_requests(status, due_at);
`,
  // Each party's acknowledgement of the rights and duties before the session (issue 21): once per person per case.
  `
  CREATE TABLE rights_acks (
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    language TEXT NOT NULL,
    version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
  );
`,
  // The chat batch in two round trips (issue 22), no BEGIN or COMMIT of its own: accord_chat_begin takes the
  // audit locks of the batch's cases as session locks (held between the two calls) and returns what the batch
  // needs to know; the server classifies the messages and hashes their audit entries; accord_chat_store
  // turns the locks into transaction locks and stores everything in its one statement's transaction.
  // Locks are taken in the order of their keys (hashtext), the same on every node, so two nodes never
  // deadlock; a lone message (one per transaction) takes one of them only.
  `
  CREATE FUNCTION accord_chat_begin(p_cases TEXT[], k_case TEXT[], k_sender TEXT[], k_client TEXT[],
    h_case TEXT[], h_channel TEXT[]) RETURNS JSONB LANGUAGE plpgsql AS $$
  DECLARE
    h INTEGER;
  BEGIN
    FOR h IN SELECT DISTINCT hashtext('audit:' || c) FROM unnest(p_cases) AS c ORDER BY 1 LOOP
      PERFORM pg_advisory_lock(h);
    END LOOP;
    -- Each query below takes its snapshot after the locks: it sees what the previous holder committed.
    RETURN jsonb_build_object(
      'audit', (SELECT coalesce(jsonb_agg(jsonb_build_object('case_id', c, 'seq', a.seq, 'hash', a.hash)), '[]')
        FROM unnest(p_cases) AS c
        CROSS JOIN LATERAL (SELECT seq, hash FROM audit_log WHERE case_id = c ORDER BY seq DESC LIMIT 1) AS a),
      'heads', (SELECT coalesce(jsonb_agg(jsonb_build_object('case_id', r.case_id, 'channel', r.channel, 'seq', r.seq)), '[]')
        FROM room_heads AS r JOIN unnest(h_case, h_channel) AS k(case_id, channel) USING (case_id, channel)),
      'existing', (SELECT coalesce(jsonb_agg(to_jsonb(m)), '[]')
        FROM messages AS m JOIN unnest(k_case, k_sender, k_client) AS k(case_id, sender_id, client_id)
        USING (case_id, sender_id, client_id)));
  END $$;

  CREATE FUNCTION accord_chat_store(p_cases TEXT[], h_case TEXT[], h_channel TEXT[], h_from INTEGER[], h_to INTEGER[],
    m_case TEXT[], m_channel TEXT[], m_seq INTEGER[], m_id TEXT[], m_client TEXT[], m_sender TEXT[], m_name TEXT[],
    m_role TEXT[], m_text TEXT[], m_at TEXT[], m_cites TEXT[],
    a_case TEXT[], a_seq INTEGER[], a_at TEXT[], a_actor TEXT[], a_kind TEXT[], a_data TEXT[], a_prev TEXT[],
    a_hash TEXT[]) RETURNS VOID LANGUAGE plpgsql AS $$
  DECLARE
    h INTEGER;
    i INTEGER;
  BEGIN
    -- The chains stay locked until this statement's transaction commits.
    FOR h IN SELECT DISTINCT hashtext('audit:' || c) FROM unnest(p_cases) AS c ORDER BY 1 LOOP
      PERFORM pg_advisory_xact_lock(h);
      IF NOT pg_advisory_unlock(h) THEN
        RAISE EXCEPTION 'accord_chat_store: the audit lock of the batch was not held';
      END IF;
    END LOOP;
    -- Each channel's head moves from what accord_chat_begin read (a lone message takes the same lock
    -- first, so it cannot have moved; checked all the same, a gap or a reused seq is never stored).
    FOR i IN 1 .. coalesce(array_length(h_case, 1), 0) LOOP
      IF h_from[i] = 0 THEN
        INSERT INTO room_heads (case_id, channel, seq) VALUES (h_case[i], h_channel[i], h_to[i]);
      ELSE
        UPDATE room_heads SET seq = h_to[i] WHERE case_id = h_case[i] AND channel = h_channel[i] AND seq = h_from[i];
        IF NOT FOUND THEN
          RAISE EXCEPTION 'accord_chat_store: the head of a channel moved' USING ERRCODE = 'serialization_failure';
        END IF;
      END IF;
    END LOOP;
    INSERT INTO messages (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at,
      cites)
    SELECT * FROM unnest(m_case, m_channel, m_seq, m_id, m_client, m_sender, m_name, m_role, m_text, m_at, m_cites);
    INSERT INTO audit_log (case_id, seq, at, actor_id, kind, data, prev_hash, hash)
    SELECT * FROM unnest(a_case, a_seq, a_at, a_actor, a_kind, a_data, a_prev, a_hash);
  END $$;
`,
];
