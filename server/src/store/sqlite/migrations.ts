/**
 * Versioned schema migrations for SQLite. Each entry runs once, in order, in a
 * transaction, and `PRAGMA user_version` records how far a database has come.
 * Never edit a released entry; add a new one.
 */
export const sqliteMigrations: readonly string[] = [
  /* 1: the room core */ `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'guest')),
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    staff_role TEXT,
    password_hash TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
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
    amount_in_dispute_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE case_members (
    case_id TEXT NOT NULL REFERENCES cases(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    added_at TEXT NOT NULL,
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
    revoked_at TEXT
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

  CREATE TABLE room_heads (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);

  CREATE TABLE messages (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    sender_role TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, sender_id, client_id)
  ) WITHOUT ROWID;

  CREATE TABLE doc_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_name TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX doc_updates_doc ON doc_updates(doc_name, id);

  CREATE TABLE doc_snapshots (
    doc_name TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    through_id INTEGER NOT NULL
  );
  `,
  /* 2: the mediator's room: lobby, phases, caucus channels, moderation, audit log */ `
  ALTER TABLE case_members ADD COLUMN admitted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE case_members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE case_members ADD COLUMN hand_raised INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE case_members ADD COLUMN removed_at TEXT;

  CREATE TABLE room_state (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    phase TEXT NOT NULL,
    lobby INTEGER NOT NULL,
    quiet_opening INTEGER NOT NULL,
    agreement_locked INTEGER NOT NULL,
    caucus_user_id TEXT,
    pinned_text TEXT,
    pinned_by TEXT,
    pinned_at TEXT,
    version INTEGER NOT NULL
  );

  CREATE TABLE messages_v2 (
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
  ) WITHOUT ROWID;
  INSERT INTO messages_v2 SELECT case_id, 'joint', seq, id, client_id, sender_id, sender_name, sender_role, text, created_at
    FROM messages;
  DROP TABLE messages;
  ALTER TABLE messages_v2 RENAME TO messages;

  CREATE TABLE room_heads_v2 (
    case_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (case_id, channel)
  );
  INSERT INTO room_heads_v2 SELECT case_id, 'joint', seq FROM room_heads;
  DROP TABLE room_heads;
  ALTER TABLE room_heads_v2 RENAME TO room_heads;

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
  ) WITHOUT ROWID;
`,
  /* 3: sign-off: invite PINs, freezes, signatures, sealed outcome records */ `
  ALTER TABLE invites ADD COLUMN pin_hash TEXT;

  CREATE TABLE freezes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    text TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    frozen_at TEXT NOT NULL,
    frozen_by TEXT NOT NULL,
    -- The terms as frozen (JSON) and who must sign (JSON array of user ids).
    terms TEXT NOT NULL,
    signers TEXT NOT NULL,
    voided_at TEXT
  );
  CREATE INDEX freezes_case ON freezes(case_id, frozen_at);

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
`,
  /* 4: intake, review, evidence, mediators, scheduling, personal data */ `
  ALTER TABLE cases ADD COLUMN status_since TEXT;
  ALTER TABLE cases ADD COLUMN desired_outcome TEXT NOT NULL DEFAULT '';
  ALTER TABLE cases ADD COLUMN customer_id TEXT;
  ALTER TABLE cases ADD COLUMN mediator_id TEXT;
  ALTER TABLE cases ADD COLUMN session_starts_at TEXT;
  ALTER TABLE cases ADD COLUMN session_time_zone TEXT;
  ALTER TABLE cases ADD COLUMN session_minutes INTEGER;
  ALTER TABLE cases ADD COLUMN question TEXT;
  ALTER TABLE cases ADD COLUMN rejection_reason TEXT;
  ALTER TABLE cases ADD COLUMN tracking_id TEXT;
  ALTER TABLE cases ADD COLUMN tracking_pin_hash TEXT;
  ALTER TABLE cases ADD COLUMN tracking_revoked_at TEXT;
  ALTER TABLE cases ADD COLUMN purged_at TEXT;
  UPDATE cases SET status = 'scheduled', status_since = created_at WHERE status = 'open';
  UPDATE cases SET status_since = created_at WHERE status_since IS NULL;
  CREATE INDEX cases_status ON cases(status, status_since);
  CREATE UNIQUE INDEX cases_tracking ON cases(tracking_id);

  -- Personal identifiers, encrypted (AES-256-GCM) as one blob per case.
  CREATE TABLE case_pii (case_id TEXT PRIMARY KEY REFERENCES cases(id), data BLOB NOT NULL);

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
  /* 5: the phase a caucus returns to, and who has had one (their chat and notes stay readable) */ `
  ALTER TABLE room_state ADD COLUMN caucus_return_phase TEXT;
  ALTER TABLE room_state ADD COLUMN caucus_parties TEXT NOT NULL DEFAULT '[]';
  UPDATE room_state SET caucus_return_phase = 'joint' WHERE caucus_user_id IS NOT NULL;
  UPDATE room_state SET caucus_parties = json_array(caucus_user_id) WHERE caucus_user_id IS NOT NULL;
`,
  /* 6: the language a case is conducted in; cases filed before it existed were Chinese */ `ALTER TABLE cases ADD COLUMN language TEXT NOT NULL DEFAULT 'zh-CN';`,
  /* 7: staff e-mail addresses, and the outbox of notices (notify/) */ `
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
  /* 8: when a party's signing PIN was last reset (the new one goes only to their own session) */ `ALTER TABLE invites ADD COLUMN pin_reset_at TEXT;`,
  /* 9: lenders (organisations), the lender of a lender-staff account and of a case, deactivated accounts, and the account-level audit trail */ `
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
  /* 10: negotiation (issue 18): clause consent, who writes with each Yjs client id, closed rounds, blind offers and their results, the customer's hardship declaration, and each lender's repayment-plan limits */ `
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
    client INTEGER NOT NULL,
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
    sealed BLOB NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, round, role)
  );
  CREATE TABLE offer_results (
    case_id TEXT NOT NULL REFERENCES cases(id),
    round INTEGER NOT NULL,
    overlap INTEGER NOT NULL,
    midpoint_cents INTEGER,
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
  /* 11: the mediation assistant and after (issue 19): each case's classified dispute type and the mediator's corrections, what the mediator did with each proposed clause, the pre-session question thread, and the anonymous surveys (who answered is kept apart from what was answered) */ `
  CREATE TABLE case_assistant (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    model_type TEXT NOT NULL,
    model_probability REAL NOT NULL,
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
    heard INTEGER NOT NULL,
    fair INTEGER NOT NULL,
    again INTEGER NOT NULL,
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
  // The idempotence key's index led by the client id (issue 22). Led by the case, each message wrote a
  // page of its own room's part of the index: with many rooms talking, a page per message per commit.
  // Clients make time-ordered ids (the browser's newClientId), so a commit's new entries share the
  // index's last pages, whichever rooms they come from. Same columns and order; a table rebuild, as a
  // WITHOUT ROWID table's UNIQUE constraint cannot be changed in place.
  `
  CREATE TABLE messages_v3 (
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
    cites TEXT,
    PRIMARY KEY (case_id, channel, seq),
    UNIQUE (client_id, case_id, sender_id)
  ) WITHOUT ROWID;
  INSERT INTO messages_v3 (case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at, cites)
    SELECT case_id, channel, seq, id, client_id, sender_id, sender_name, sender_role, text, created_at, cites FROM messages;
  DROP TABLE messages;
  ALTER TABLE messages_v3 RENAME TO messages;
`,
];
