extension Migration {
    /// Users, roles, lists, subscriptions (tables only: the subscriber API comes later), API
    /// tokens, sessions and settings. Times are epoch seconds (REAL) on SQLite and TIMESTAMPTZ on
    /// PostgreSQL; JSON arrays are TEXT on both.
    static let initialSchema = Migration(
        version: 1, name: "initial schema",
        sqlite: [
            """
            CREATE TABLE roles (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                type TEXT NOT NULL CHECK (type IN ('user', 'list')),
                name TEXT NOT NULL,
                permissions TEXT NOT NULL DEFAULT '[]',
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                UNIQUE (type, name)
            )
            """,
            """
            CREATE TABLE lists (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                uuid TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('public', 'private', 'temporary')),
                optin TEXT NOT NULL CHECK (optin IN ('single', 'double')),
                status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
                tags TEXT NOT NULL DEFAULT '[]',
                description TEXT NOT NULL DEFAULT '',
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
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
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL UNIQUE,
                password_login INTEGER NOT NULL DEFAULT 0,
                password_hash TEXT,
                email TEXT UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('user', 'api')),
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
                avatar TEXT,
                twofa_type TEXT NOT NULL DEFAULT 'none' CHECK (twofa_type IN ('none', 'totp')),
                twofa_key TEXT,
                loggedin_at REAL,
                user_role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
                list_role_id INTEGER REFERENCES roles (id) ON DELETE RESTRICT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
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
                grace_until REAL,
                scopes TEXT,
                lists TEXT,
                allowed_cidrs TEXT NOT NULL DEFAULT '[]',
                created_at REAL NOT NULL,
                created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                expires_at REAL,
                last_used_at REAL,
                last_used_ip TEXT,
                last_used_user_agent TEXT,
                recent_ips TEXT NOT NULL DEFAULT '[]',
                revoked_at REAL,
                revoked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                revoked_reason TEXT
            )
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at REAL NOT NULL,
                last_seen_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                client_ip TEXT,
                user_agent TEXT
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE subscribers (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                uuid TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                attribs TEXT NOT NULL DEFAULT '{}',
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled', 'blocklisted')),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
            """
            CREATE TABLE subscriber_lists (
                subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
                list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('unconfirmed', 'confirmed', 'unsubscribed')),
                meta TEXT NOT NULL DEFAULT '{}',
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                PRIMARY KEY (subscriber_id, list_id)
            )
            """,
            "CREATE INDEX subscriber_lists_list ON subscriber_lists (list_id, status)",
            """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
        ],
        postgres: [
            """
            CREATE TABLE roles (
                id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                type TEXT NOT NULL CHECK (type IN ('user', 'list')),
                name TEXT NOT NULL,
                permissions TEXT NOT NULL DEFAULT '[]',
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                UNIQUE (type, name)
            )
            """,
            """
            CREATE TABLE lists (
                id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                uuid UUID NOT NULL UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('public', 'private', 'temporary')),
                optin TEXT NOT NULL CHECK (optin IN ('single', 'double')),
                status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
                tags TEXT NOT NULL DEFAULT '[]',
                description TEXT NOT NULL DEFAULT '',
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
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
                id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_login BOOLEAN NOT NULL DEFAULT FALSE,
                password_hash TEXT,
                email TEXT UNIQUE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('user', 'api')),
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
                avatar TEXT,
                twofa_type TEXT NOT NULL DEFAULT 'none' CHECK (twofa_type IN ('none', 'totp')),
                twofa_key TEXT,
                loggedin_at TIMESTAMPTZ,
                user_role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
                list_role_id INTEGER REFERENCES roles (id) ON DELETE RESTRICT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
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
                grace_until TIMESTAMPTZ,
                scopes TEXT,
                lists TEXT,
                allowed_cidrs TEXT NOT NULL DEFAULT '[]',
                created_at TIMESTAMPTZ NOT NULL,
                created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                expires_at TIMESTAMPTZ,
                last_used_at TIMESTAMPTZ,
                last_used_ip TEXT,
                last_used_user_agent TEXT,
                recent_ips TEXT NOT NULL DEFAULT '[]',
                revoked_at TIMESTAMPTZ,
                revoked_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                revoked_reason TEXT
            )
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL,
                client_ip TEXT,
                user_agent TEXT
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE subscribers (
                id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                uuid UUID NOT NULL UNIQUE,
                email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                attribs JSONB NOT NULL DEFAULT '{}',
                status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled', 'blocklisted')),
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE subscriber_lists (
                subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
                list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('unconfirmed', 'confirmed', 'unsubscribed')),
                meta JSONB NOT NULL DEFAULT '{}',
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (subscriber_id, list_id)
            )
            """,
            "CREATE INDEX subscriber_lists_list ON subscriber_lists (list_id, status)",
            """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
        ])
}
