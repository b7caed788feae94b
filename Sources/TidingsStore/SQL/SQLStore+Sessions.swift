import Foundation
import SQLKit
import TidingsCore

extension SQLStore: SessionStore {
    public func createSession(_ session: StoredSession) async throws {
        try await engine.write { database in
            try await database.raw(
                """
                INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, client_ip, user_agent)
                VALUES (\(bind: session.idHash), \(bind: session.userID.rawValue), \(bind: session.createdAt),
                    \(bind: session.lastSeenAt), \(bind: session.expiresAt), \(bind: session.clientIP), \(bind: session.userAgent))
                """
            ).run()
        }
    }

    private static let sessionColumns: SQLQueryString =
        "id_hash, user_id, created_at, last_seen_at, expires_at, client_ip, user_agent"

    private static func session(from row: any SQLRow) throws -> StoredSession {
        StoredSession(
            idHash: try row.string("id_hash"), userID: UserID(try row.int("user_id")),
            createdAt: try row.date("created_at"), lastSeenAt: try row.date("last_seen_at"),
            expiresAt: try row.date("expires_at"), clientIP: try row.optionalString("client_ip"),
            userAgent: try row.optionalString("user_agent"))
    }

    public func session(idHash: String) async throws -> StoredSession? {
        try await engine.read { database in
            try await database.raw("SELECT \(Self.sessionColumns) FROM sessions WHERE id_hash = \(bind: idHash)")
                .first().map(Self.session(from:))
        }
    }

    public func sessions(userID: UserID) async throws -> [StoredSession] {
        try await engine.read { database in
            try await database.raw(
                """
                SELECT \(Self.sessionColumns) FROM sessions WHERE user_id = \(bind: userID.rawValue)
                ORDER BY last_seen_at DESC, created_at DESC
                """
            ).all().map(Self.session(from:))
        }
    }

    public func touchSession(idHash: String, at now: Date) async throws {
        try await engine.write { database in
            try await database.raw("UPDATE sessions SET last_seen_at = \(bind: now) WHERE id_hash = \(bind: idHash)")
                .run()
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await engine.write { database in
            try await database.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run()
        }
    }

    public func deleteSessions(userID: UserID, keeping: String?) async throws {
        try await engine.write { database in
            try await database.raw(
                """
                DELETE FROM sessions WHERE user_id = \(bind: userID.rawValue) AND id_hash <> \(bind: keeping ?? "")
                """
            ).run()
        }
    }

    public func deleteExpiredSessions(now: Date, idleBefore: Date) async throws -> Int {
        try await engine.write { database in
            try await database.raw(
                "DELETE FROM sessions WHERE expires_at <= \(bind: now) OR last_seen_at < \(bind: idleBefore) RETURNING id_hash"
            ).all().count
        }
    }
}
