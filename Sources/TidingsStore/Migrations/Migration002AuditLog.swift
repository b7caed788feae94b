extension Migration {
    /// The append-only audit log. Actors and targets are kept as values, not
    /// foreign keys: the log outlives the users and tokens it mentions. Triggers refuse updates
    /// and deletes on both databases.
    static let auditLog = Migration(
        version: 2, name: "audit log",
        statements: [
            """
            CREATE TABLE audit_log (
                id {{id}},
                at {{time}} NOT NULL,
                action TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
                actor_type TEXT NOT NULL,
                actor_user_id INTEGER,
                actor_username TEXT,
                actor_token TEXT,
                client_ip TEXT,
                user_agent TEXT,
                method TEXT,
                route TEXT,
                status INTEGER,
                target_type TEXT,
                target_id TEXT,
                code TEXT,
                details TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX audit_log_at ON audit_log (at, id)",
            "CREATE INDEX audit_log_action ON audit_log (action, at)",
            "CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at)",
        ],
        sqliteOnly: [
            """
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """,
            """
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
            """,
        ],
        postgresOnly: [
            """
            CREATE FUNCTION tidings_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$
            """,
            """
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION tidings_audit_log_append_only()
            """,
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION tidings_audit_log_append_only()
            """,
        ])
}
