extension Migration {
    /// Users, roles, lists, subscriptions, API tokens, sessions and settings. Written once;
    /// `SchemaDialect` turns the placeholders into each database's types (times are epoch seconds
    /// on SQLite and TIMESTAMPTZ on PostgreSQL; JSON arrays are TEXT on both).
    static let initialSchema = Migration(
        version: 1, name: "initial schema",
        statements: [
            """
            CREATE TABLE roles (
                id {{id}},
                type TEXT NOT NULL CHECK (type IN ('user', 'list')),
                name TEXT NOT NULL,
                permissions TEXT NOT NULL DEFAULT '[]',
                created_at {{time}} NOT NULL,
                updated_at {{time}} NOT NULL,
                UNIQUE (type, name)
            )
            """,
            """
            CREATE TABLE lists (
                id {{id}},
                uuid {{uuid}} NOT NULL UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('public', 'private', 'temporary')),
                optin TEXT NOT NULL CHECK (optin IN ('single', 'double')),
                status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
                tags TEXT NOT NULL DEFAULT '[]',
                description TEXT NOT NULL DEFAULT '',
                created_at {{time}} NOT NULL,
                updated_at {{time}} NOT NULL
            )
            """,
            "CREATE INDEX lists_created_at ON lists (created_at)",
            """
            CREATE TABLE list_role_grants (
                role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
                permissions TEXT NOT NULL,
                PRIMARY KEY (role_id, list_id)
            )
            """,
            "CREATE INDEX list_role_grants_list ON list_role_grants (list_id)",
            """
            CREATE TABLE users (
                id {{id}},
                username TEXT NOT NULL UNIQUE,
                password_login {{bool}} NOT NULL DEFAULT {{false}},
                password_hash TEXT,
                email TEXT UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('user', 'api')),
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
                avatar TEXT,
                twofa_type TEXT NOT NULL DEFAULT 'none' CHECK (twofa_type IN ('none', 'totp')),
                twofa_key TEXT,
                loggedin_at {{time}},
                user_role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
                list_role_id INTEGER REFERENCES roles (id) ON DELETE RESTRICT,
                created_at {{time}} NOT NULL,
                updated_at {{time}} NOT NULL
            )
            """,
            """
            CREATE TABLE api_tokens (
                key_id TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                last_four TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                previous_secret_hash TEXT,
                grace_until {{time}},
                scopes TEXT,
                lists TEXT,
                allowed_cidrs TEXT NOT NULL DEFAULT '[]',
                created_at {{time}} NOT NULL,
                created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                expires_at {{time}},
                last_used_at {{time}},
                last_used_ip TEXT,
                last_used_user_agent TEXT,
                recent_ips TEXT NOT NULL DEFAULT '[]',
                revoked_at {{time}},
                revoked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                revoked_reason TEXT
            )
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at {{time}} NOT NULL,
                last_seen_at {{time}} NOT NULL,
                expires_at {{time}} NOT NULL,
                client_ip TEXT,
                user_agent TEXT
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE subscribers (
                id {{id}},
                uuid {{uuid}} NOT NULL UNIQUE,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                attribs {{json}} NOT NULL DEFAULT '{}',
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled', 'blocklisted')),
                created_at {{time}} NOT NULL,
                updated_at {{time}} NOT NULL
            )
            """,
            """
            CREATE TABLE subscriber_lists (
                subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
                list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('unconfirmed', 'confirmed', 'unsubscribed')),
                meta {{json}} NOT NULL DEFAULT '{}',
                created_at {{time}} NOT NULL,
                updated_at {{time}} NOT NULL,
                PRIMARY KEY (subscriber_id, list_id)
            )
            """,
            "CREATE INDEX subscriber_lists_list ON subscriber_lists (list_id, status)",
            """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at {{time}} NOT NULL
            )
            """,
        ])
}
