import Foundation
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// `TokenStore`'s contract, on every backend.
@Suite struct TokenStoreTests {
    @Test(
        "create and read back by key id, by user (newest first) and all; key ids are unique",
        arguments: TestBackend.enabled)
    func createAndRead(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let tokens = stores.tokens
            let robot = try await stores.user("robot", type: .api)
            let other = try await stores.user("other", type: .api)
            let old = Drafts.token("KEY0000001", user: robot.id, at: Drafts.epoch)
            var new = Drafts.token("KEY0000002", user: robot.id, at: Drafts.epoch.addingTimeInterval(60))
            (new.scopes, new.lists, new.expiresAt, new.createdBy) = (nil, nil, nil, other.id)
            let theirs = Drafts.token("KEY0000003", user: other.id)
            for token in [old, new, theirs] { try await tokens.createToken(token) }
            #expect(try await tokens.token(keyID: "KEY0000001") == old)
            #expect(try await tokens.token(keyID: "KEY0000002") == new)
            #expect(try await tokens.token(keyID: "NOSUCHKEY0") == nil)
            #expect(try await tokens.tokens(userID: robot.id) == [new, old])
            #expect(try await tokens.tokens(userID: UserID(9_999)).isEmpty)
            #expect(Set(try await tokens.allTokens().map(\.keyID)) == ["KEY0000001", "KEY0000002", "KEY0000003"])

            var duplicate = Drafts.token("KEY0000001", user: other.id)
            duplicate.name = "another"
            await expectConflict { try await tokens.createToken(duplicate) }
            #expect(try await tokens.token(keyID: "KEY0000001") == old)
        }
    }

    @Test("a token of an unknown user is refused, and not stored", arguments: TestBackend.enabled)
    func unknownUser(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            await expectRefused { try await stores.tokens.createToken(Drafts.token("KEYORPHAN1", user: UserID(9_999))) }
            #expect(try await stores.tokens.allTokens().isEmpty)
        }
    }

    @Test(
        "rotation keeps the old hash as the previous one; a revoked or unknown token is not rotated",
        arguments: TestBackend.enabled)
    func rotate(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let tokens = stores.tokens
            let robot = try await stores.user("robot", type: .api)
            let token = Drafts.token("KEY0000001", user: robot.id)
            try await tokens.createToken(token)
            let grace = Drafts.epoch.addingTimeInterval(86_400)
            let rotation = TokenRotation(secretHash: "h-new", lastFour: "wxyz", graceUntil: grace, expiresAt: nil)
            let rotated = try await tokens.rotateToken(keyID: token.keyID, to: rotation)
            #expect(rotated.secretHash == "h-new" && rotated.previousSecretHash == token.secretHash)
            #expect(rotated.lastFour == "wxyz" && rotated.graceUntil == grace && rotated.expiresAt == nil)
            #expect(
                rotated.name == token.name && rotated.scopes == token.scopes && rotated.createdAt == token.createdAt)
            #expect(try await tokens.token(keyID: token.keyID) == rotated)
            await expectNotFound { try await tokens.rotateToken(keyID: "NOSUCHKEY0", to: rotation) }

            _ = try await tokens.revokeToken(keyID: token.keyID, at: Drafts.epoch, by: nil, reason: "leak")
            let revoked = try await tokens.token(keyID: token.keyID)
            let again = TokenRotation(secretHash: "h-3", lastFour: "3333", graceUntil: grace, expiresAt: grace)
            await expectNotFound { try await tokens.rotateToken(keyID: token.keyID, to: again) }
            #expect(try await tokens.token(keyID: token.keyID) == revoked)
        }
    }

    @Test("revoking one token: once, with who and why; not again, not an unknown one", arguments: TestBackend.enabled)
    func revokeOne(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let tokens = stores.tokens
            let admin = try await stores.user("admin")
            let robot = try await stores.user("robot", type: .api)
            try await tokens.createToken(Drafts.token("KEY0000001", user: robot.id))
            try await tokens.createToken(Drafts.token("KEY0000002", user: robot.id))
            let now = Drafts.epoch.addingTimeInterval(5)
            let revoked = try #require(
                try await tokens.revokeToken(keyID: "KEY0000001", at: now, by: admin.id, reason: "leak"))
            #expect(revoked.revokedAt == now && revoked.revokedBy == admin.id && revoked.revokedReason == "leak")
            #expect(try await tokens.token(keyID: "KEY0000001") == revoked)
            #expect(try await tokens.token(keyID: "KEY0000002")?.revokedAt == nil)
            #expect(try await tokens.revokeToken(keyID: "KEY0000001", at: now + 1, by: nil, reason: "again") == nil)
            #expect(try await tokens.token(keyID: "KEY0000001") == revoked)
            #expect(try await tokens.revokeToken(keyID: "NOSUCHKEY0", at: now, by: nil, reason: "x") == nil)
        }
    }

    @Test(
        "revoking a user's tokens counts and marks only the unrevoked ones of that user", arguments: TestBackend.enabled
    )
    func revokeAll(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let tokens = stores.tokens
            let robot = try await stores.user("robot", type: .api)
            let other = try await stores.user("other", type: .api)
            for key in ["KEY0000001", "KEY0000002", "KEY0000003"] {
                try await tokens.createToken(Drafts.token(key, user: robot.id))
            }
            try await tokens.createToken(Drafts.token("KEYOTHER01", user: other.id))
            let first = try #require(
                try await tokens.revokeToken(keyID: "KEY0000001", at: Drafts.epoch, by: nil, reason: "first"))
            let later = Drafts.epoch.addingTimeInterval(60)
            #expect(try await tokens.revokeTokens(userID: robot.id, at: later, by: other.id, reason: "all") == 2)
            #expect(try await tokens.token(keyID: "KEY0000001") == first)
            for key in ["KEY0000002", "KEY0000003"] {
                let token = try await tokens.token(keyID: key)
                #expect(token?.revokedAt == later && token?.revokedBy == other.id && token?.revokedReason == "all")
            }
            #expect(try await tokens.token(keyID: "KEYOTHER01")?.revokedAt == nil)
            #expect(try await tokens.revokeTokens(userID: robot.id, at: later, by: nil, reason: "again") == 0)
            #expect(try await tokens.revokeTokens(userID: UserID(9_999), at: later, by: nil, reason: "x") == 0)
        }
    }

    @Test("a use is recorded; recent addresses merge, most recent first, at most five", arguments: TestBackend.enabled)
    func recordUse(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let tokens = stores.tokens
            let robot = try await stores.user("robot", type: .api)
            try await tokens.createToken(Drafts.token("KEY0000001", user: robot.id))
            let first = TokenUse(
                at: Drafts.epoch, address: "10.0.0.1", userAgent: "curl/8", addresses: ["10.0.0.1", "10.0.0.2"])
            try await tokens.recordTokenUse(keyID: "KEY0000001", first)
            var token = try #require(try await tokens.token(keyID: "KEY0000001"))
            #expect(token.lastUsedAt == Drafts.epoch && token.lastUsedIP == "10.0.0.1")
            #expect(token.lastUsedUserAgent == "curl/8" && token.recentIPs == ["10.0.0.1", "10.0.0.2"])

            // No address or agent this time: the last known ones stay.
            let second = TokenUse(
                at: Drafts.epoch + 10, address: nil, userAgent: nil,
                addresses: ["10.0.0.3", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6"])
            try await tokens.recordTokenUse(keyID: "KEY0000001", second)
            token = try #require(try await tokens.token(keyID: "KEY0000001"))
            #expect(token.lastUsedAt == Drafts.epoch + 10 && token.lastUsedIP == "10.0.0.1")
            #expect(token.lastUsedUserAgent == "curl/8")
            #expect(token.recentIPs == ["10.0.0.3", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6"])
            #expect(token.recentIPs.count == TokenUse.recentAddressLimit)

            try await tokens.recordTokenUse(keyID: "NOSUCHKEY0", first)
            #expect(try await tokens.token(keyID: "NOSUCHKEY0") == nil)
        }
    }
}
