extension Migration {
    /// Subscription counts per list and status, kept by triggers on `subscriber_lists`, so that
    /// reading a list's `subscriber_count` and `subscriber_statuses` costs one indexed lookup at
    /// any number of subscribers, and every write path (API, import, bulk queries, cascades from
    /// deleted subscribers or lists) keeps them right without remembering to.
    ///
    /// SQLite counts row by row. PostgreSQL counts once per statement from the transition
    /// tables: a bulk insert of a million subscriptions updates each counter once rather than
    /// a million times, and counters are touched in (list, status) order so that concurrent
    /// writers cannot deadlock on them.
    static let subscriptionCounts = Migration(
        version: 4, name: "subscription counts",
        statements: [
            """
            CREATE TABLE list_subscription_counts (
                list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                subscribers BIGINT NOT NULL,
                PRIMARY KEY (list_id, status)
            )
            """,
            """
            INSERT INTO list_subscription_counts (list_id, status, subscribers)
            SELECT list_id, status, COUNT(*) FROM subscriber_lists GROUP BY list_id, status
            """,
            "CREATE INDEX subscriber_lists_subscriber ON subscriber_lists (subscriber_id, list_id)",
        ],
        sqliteOnly: [
            """
            CREATE TRIGGER subscriber_lists_count_insert AFTER INSERT ON subscriber_lists
            BEGIN
                INSERT INTO list_subscription_counts (list_id, status, subscribers)
                VALUES (NEW.list_id, NEW.status, 1)
                ON CONFLICT (list_id, status) DO UPDATE SET subscribers = subscribers + 1;
            END
            """,
            """
            CREATE TRIGGER subscriber_lists_count_delete AFTER DELETE ON subscriber_lists
            BEGIN
                UPDATE list_subscription_counts SET subscribers = subscribers - 1
                WHERE list_id = OLD.list_id AND status = OLD.status;
            END
            """,
            """
            CREATE TRIGGER subscriber_lists_count_update AFTER UPDATE OF list_id, status ON subscriber_lists
            WHEN OLD.list_id <> NEW.list_id OR OLD.status <> NEW.status
            BEGIN
                UPDATE list_subscription_counts SET subscribers = subscribers - 1
                WHERE list_id = OLD.list_id AND status = OLD.status;
                INSERT INTO list_subscription_counts (list_id, status, subscribers)
                VALUES (NEW.list_id, NEW.status, 1)
                ON CONFLICT (list_id, status) DO UPDATE SET subscribers = subscribers + 1;
            END
            """,
        ],
        postgresOnly: [
            """
            CREATE FUNCTION tidings_count_subscriptions() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('DELETE', 'UPDATE') THEN
                    UPDATE list_subscription_counts c SET subscribers = c.subscribers - d.n
                    FROM (SELECT list_id, status, COUNT(*) AS n FROM old_rows GROUP BY list_id, status
                          ORDER BY list_id, status) d
                    WHERE c.list_id = d.list_id AND c.status = d.status;
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO list_subscription_counts (list_id, status, subscribers)
                    SELECT list_id, status, COUNT(*) FROM new_rows GROUP BY list_id, status
                    ORDER BY list_id, status
                    ON CONFLICT (list_id, status)
                    DO UPDATE SET subscribers = list_subscription_counts.subscribers + EXCLUDED.subscribers;
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER subscriber_lists_count_insert AFTER INSERT ON subscriber_lists
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_subscriptions()
            """,
            """
            CREATE TRIGGER subscriber_lists_count_update AFTER UPDATE ON subscriber_lists
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_subscriptions()
            """,
            """
            CREATE TRIGGER subscriber_lists_count_delete AFTER DELETE ON subscriber_lists
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_subscriptions()
            """,
        ])
}
