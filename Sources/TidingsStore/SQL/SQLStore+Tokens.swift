import Foundation
import SQLKit
import TidingsCore

extension SQLStore: TokenStore {
    private static let tokenColumns = """
        key_id, user_id, name, prefix, last_four, secret_hash, scopes, lists, allowed_cidrs, created_at, \
        created_by, expires_at, last_used_at, last_used_ip, revoked_at, revoked_reason
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
            expiresAt: try row.optionalDate("expires_at"), lastUsedAt: try row.optionalDate("last_used_at"),
            lastUsedIP: try row.optionalString("last_used_ip"), revokedAt: try row.optionalDate("revoked_at"),
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
            throw TidingsError.conflict("a token with this key id exists")
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

    public func revokeTokens(userID: UserID, at now: Date, reason: String) async throws {
        try await engine.write { database in
            try await database.raw(
                """
                UPDATE api_tokens SET revoked_at = \(bind: now), revoked_reason = \(bind: reason)
                WHERE user_id = \(bind: userID.rawValue) AND revoked_at IS NULL
                """
            ).run()
        }
    }
}
