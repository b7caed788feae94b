import Foundation
import SQLKit
import TidingsCore

extension SQLStore: TokenStore {
    private static let tokenColumns = """
        key_id, user_id, name, prefix, last_four, secret_hash, previous_secret_hash, grace_until, scopes, lists, \
        allowed_cidrs, created_at, created_by, expires_at, last_used_at, last_used_ip, last_used_user_agent, \
        recent_ips, revoked_at, revoked_by, revoked_reason
        """

    private static func token(from row: any SQLRow) throws -> APIToken {
        APIToken(
            keyID: try row.string("key_id"), userID: UserID(try row.int("user_id")), name: try row.string("name"),
            prefix: try row.string("prefix"), lastFour: try row.string("last_four"),
            secretHash: try row.string("secret_hash"),
            scopes: JSONColumn.decode([String].self, from: try row.optionalString("scopes"))?
                .compactMap(Permission.init(rawValue:)),
            lists: JSONColumn.decode([Int].self, from: try row.optionalString("lists"))?.map { ListID($0) },
            allowedCIDRs: JSONColumn.decode([String].self, from: try row.string("allowed_cidrs")) ?? [],
            createdAt: try row.date("created_at"),
            createdBy: (try row.optionalInt("created_by")).map { UserID($0) },
            expiresAt: try row.optionalDate("expires_at"),
            previousSecretHash: try row.optionalString("previous_secret_hash"),
            graceUntil: try row.optionalDate("grace_until"), lastUsedAt: try row.optionalDate("last_used_at"),
            lastUsedIP: try row.optionalString("last_used_ip"),
            lastUsedUserAgent: try row.optionalString("last_used_user_agent"),
            recentIPs: JSONColumn.decode([String].self, from: try row.string("recent_ips")) ?? [],
            revokedAt: try row.optionalDate("revoked_at"),
            revokedBy: (try row.optionalInt("revoked_by")).map { UserID($0) },
            revokedReason: try row.optionalString("revoked_reason"))
    }

    public func createToken(_ token: APIToken) async throws {
        do {
            try await engine.write { database in
                try await database.raw(
                    """
                    INSERT INTO api_tokens (key_id, user_id, name, prefix, last_four, secret_hash, scopes, lists,
                        allowed_cidrs, created_at, created_by, expires_at)
                    VALUES (\(bind: token.keyID), \(bind: token.userID.rawValue), \(bind: token.name), \(bind: token.prefix),
                        \(bind: token.lastFour), \(bind: token.secretHash),
                        \(bind: token.scopes.map { JSONColumn.encode($0.map(\.rawValue)) }),
                        \(bind: token.lists.map { JSONColumn.encode($0.map(\.rawValue)) }),
                        \(bind: JSONColumn.encode(token.allowedCIDRs)), \(bind: token.createdAt),
                        \(bind: token.createdBy?.rawValue), \(bind: token.expiresAt))
                    """
                ).run()
            }
        } catch  where ConstraintViolation.isUnique(error) {
            throw StoreFailure.taken(field: "key_id", value: token.keyID)
        }
    }

    public func tokens(userID: UserID) async throws -> [APIToken] {
        try await engine.read { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: Self.tokenColumns) FROM api_tokens WHERE user_id = \(bind: userID.rawValue)
                ORDER BY created_at DESC, key_id
                """
            ).all().map(Self.token(from:))
        }
    }

    public func allTokens() async throws -> [APIToken] {
        try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: Self.tokenColumns) FROM api_tokens").all().map(
                Self.token(from:))
        }
    }

    public func token(keyID: String) async throws -> APIToken? {
        try await engine.read { database in
            try await Self.token(keyID: keyID, in: database)
        }
    }

    private static func token(keyID: String, in database: any SQLDatabase) async throws -> APIToken? {
        try await database.raw("SELECT \(unsafeRaw: tokenColumns) FROM api_tokens WHERE key_id = \(bind: keyID)")
            .first().map(token(from:))
    }

    public func rotateToken(keyID: String, to rotation: TokenRotation) async throws -> APIToken {
        try await engine.write { database in
            try await database.raw(
                """
                UPDATE api_tokens SET previous_secret_hash = secret_hash, secret_hash = \(bind: rotation.secretHash),
                    last_four = \(bind: rotation.lastFour), grace_until = \(bind: rotation.graceUntil),
                    expires_at = \(bind: rotation.expiresAt)
                WHERE key_id = \(bind: keyID) AND revoked_at IS NULL
                """
            ).run()
            guard let token = try await Self.token(keyID: keyID, in: database), token.revokedAt == nil else {
                throw StoreFailure.notFound
            }
            return token
        }
    }

    public func revokeToken(keyID: String, at now: Date, by actor: UserID?, reason: String) async throws -> APIToken? {
        try await engine.write { database in
            guard let token = try await Self.token(keyID: keyID, in: database), token.revokedAt == nil else {
                return nil
            }
            try await database.raw(
                """
                UPDATE api_tokens SET revoked_at = \(bind: now), revoked_by = \(bind: actor?.rawValue),
                    revoked_reason = \(bind: reason)
                WHERE key_id = \(bind: keyID) AND revoked_at IS NULL
                """
            ).run()
            return try await Self.token(keyID: keyID, in: database)
        }
    }

    @discardableResult
    public func revokeTokens(userID: UserID, at now: Date, by actor: UserID?, reason: String) async throws -> Int {
        try await engine.write { database in
            let count =
                try await database.raw(
                    """
                    SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = \(bind: userID.rawValue) AND revoked_at IS NULL
                    """
                ).first().map { try $0.int("n") } ?? 0
            try await database.raw(
                """
                UPDATE api_tokens SET revoked_at = \(bind: now), revoked_by = \(bind: actor?.rawValue),
                    revoked_reason = \(bind: reason)
                WHERE user_id = \(bind: userID.rawValue) AND revoked_at IS NULL
                """
            ).run()
            return count
        }
    }

    public func recordTokenUse(keyID: String, _ use: TokenUse) async throws {
        try await engine.write { database in
            guard
                let row = try await database.raw(
                    "SELECT recent_ips FROM api_tokens WHERE key_id = \(bind: keyID)"
                ).first()
            else { return }
            let existing = JSONColumn.decode([String].self, from: try row.string("recent_ips")) ?? []
            let recent = TokenUse.merge(use.addresses, into: existing)
            try await database.raw(
                """
                UPDATE api_tokens SET last_used_at = \(bind: use.at),
                    last_used_ip = COALESCE(\(bind: use.address), last_used_ip),
                    last_used_user_agent = COALESCE(\(bind: use.userAgent), last_used_user_agent),
                    recent_ips = \(bind: JSONColumn.encode(recent))
                WHERE key_id = \(bind: keyID)
                """
            ).run()
        }
    }
}
