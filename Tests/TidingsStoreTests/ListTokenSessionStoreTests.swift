import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsServer
import TidingsStore
import TidingsTestSupport

/// The list, token and session store contracts, on every backend.
@Suite struct ListTokenSessionStoreTests {
    @Test("lists: query filters, order, paging and total", arguments: TestBackend.enabled)
    func listQueries(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let lists = services.stores.lists
            let base = Date(timeIntervalSince1970: 1_800_000_000)
            for (index, name) in ["b_one", "a%two", "c three"].enumerated() {
                _ = try await lists.createList(
                    UserRoleStoreTests.draft(name, tags: index == 0 ? ["x", "y"] : ["x"]),
                    at: base.addingTimeInterval(Double(index)))
            }
            var query = ListQuery()
            #expect(try await lists.lists(query).items.map(\.name) == ["c three", "a%two", "b_one"])
            query.orderBy = .name
            query.direction = .asc
            query.page = Pagination(page: 2, perPage: 2)
            let page = try await lists.lists(query)
            #expect(page.items.map(\.name) == ["c three"])
            #expect(page.total == 3)
            var search = ListQuery()
            search.search = "%"
            #expect(try await lists.lists(search).items.map(\.name) == ["a%two"])
            search.search = "_"
            #expect(try await lists.lists(search).items.map(\.name) == ["b_one"])
            var tags = ListQuery()
            tags.tags = ["x", "y"]
            #expect(try await lists.lists(tags).items.map(\.name) == ["b_one"])
            var scoped = ListQuery()
            scoped.onlyIDs = []
            #expect(try await lists.lists(scoped).total == 0)
            let all = try await lists.minimalLists(status: nil, onlyIDs: nil)
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(try await lists.listIDs(matching: "TWO", onlyIDs: nil).count == 1)
        }
    }

    @Test("lists: counts come from subscriptions", arguments: TestBackend.enabled)
    func counts(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let list = try await services.stores.lists.createList(UserRoleStoreTests.draft("A"), at: Date())
            let now = Date()
            try await services.engine.write { database in
                for (index, status) in ["confirmed", "confirmed", "unsubscribed"].enumerated() {
                    try await SubscriberRows.insertSubscriber("s\(index)@example.com", at: now, in: database)
                    try await SubscriberRows.subscribe(
                        "s\(index)@example.com", to: list.id.rawValue, status: status, at: now, in: database)
                }
            }
            let read = try #require(try await services.stores.lists.list(id: list.id))
            #expect(read.subscriberCount == 3)
            #expect(read.subscriberStatuses == ["confirmed": 2, "unsubscribed": 1])
            var query = ListQuery()
            query.orderBy = .subscriberCount
            #expect(try await services.stores.lists.lists(query).items.first?.subscriberCount == 3)
        }
    }

    @Test("lists: update and delete", arguments: TestBackend.enabled)
    func listWrites(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let lists = services.stores.lists
            let list = try await lists.createList(UserRoleStoreTests.draft("A", tags: ["t"]), at: Date())
            var draft = UserRoleStoreTests.draft("B")
            draft.type = .public
            let updated = try await lists.updateList(id: list.id, draft: draft, at: Date())
            #expect(updated.name == "B" && updated.type == .public && updated.tags.isEmpty && updated.uuid == list.uuid)
            await #expect(throws: StoreFailure.notFound) {
                try await lists.updateList(id: ListID(9_999), draft: draft, at: Date())
            }
            try await lists.deleteLists(ids: [list.id, ListID(9_999)])
            #expect(try await lists.list(id: list.id) == nil)
        }
    }

    static func token(_ keyID: String, user: UserID, now: Date) -> APIToken {
        APIToken(
            keyID: keyID, userID: user, name: "ci", prefix: "tdg_", lastFour: "abcd", secretHash: "h-\(keyID)",
            scopes: [.listsGetAll], lists: [ListID(3)], allowedCIDRs: ["10.0.0.0/8"], createdAt: now, createdBy: nil,
            expiresAt: now.addingTimeInterval(3_600))
    }

    @Test("tokens: create, read, revoke; key ids are unique", arguments: TestBackend.enabled)
    func tokens(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let user = try await services.stores.users.createUser(
                UserRoleStoreTests.newUser("robot", type: .api), at: Date())
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let token = Self.token("KEY0000001", user: user.id, now: now)
            try await services.stores.tokens.createToken(token)
            #expect(try await services.stores.tokens.tokens(userID: user.id) == [token])
            await #expect(throws: StoreFailure.taken(field: "key_id", value: token.keyID)) {
                try await services.stores.tokens.createToken(token)
            }
            try await services.stores.tokens.revokeTokens(userID: user.id, at: now, by: nil, reason: "leak")
            let revoked = try #require(try await services.stores.tokens.allTokens().first)
            #expect(revoked.revokedAt == now && revoked.revokedReason == "leak")
            try await services.stores.users.deleteUsers(ids: [user.id])
            #expect(try await services.stores.tokens.allTokens().isEmpty)
        }
    }

    @Test("sessions: create, touch, end one, end all but one, expire", arguments: TestBackend.enabled)
    func sessions(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let user = try await services.stores.users.createUser(UserRoleStoreTests.newUser("alice"), at: Date())
            let sessions = services.stores.sessions
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for id in ["s1", "s2", "s3"] {
                try await sessions.createSession(
                    StoredSession(
                        idHash: id, userID: user.id, createdAt: now, lastSeenAt: now,
                        expiresAt: now.addingTimeInterval(60),
                        clientIP: "127.0.0.1", userAgent: "test"))
            }
            try await sessions.touchSession(idHash: "s1", at: now.addingTimeInterval(10))
            #expect(try await sessions.session(idHash: "s1")?.lastSeenAt == now.addingTimeInterval(10))
            try await sessions.deleteSession(idHash: "s3")
            #expect(try await sessions.session(idHash: "s3") == nil)
            try await sessions.deleteSessions(userID: user.id, keeping: "s1")
            #expect(try await sessions.session(idHash: "s2") == nil)
            #expect(try await sessions.session(idHash: "s1") != nil)
            let removed = try await sessions.deleteExpiredSessions(
                now: now.addingTimeInterval(120), idleBefore: now.addingTimeInterval(-1))
            #expect(removed == 1)
        }
    }

    @Test(
        "sessions: a user's list is theirs alone, most recently used first, every field kept",
        arguments: TestBackend.enabled)
    func sessionsOfUser(backend: TestBackend) async throws {
        try await backend.withServices { services async throws in
            let alice = try await services.stores.users.createUser(UserRoleStoreTests.newUser("alice"), at: Date())
            let bob = try await services.stores.users.createUser(UserRoleStoreTests.newUser("bob"), at: Date())
            let sessions = services.stores.sessions
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func session(
                _ id: String, _ user: User, seen: TimeInterval, expires: TimeInterval, ip: String?, agent: String?
            )
                -> StoredSession
            {
                StoredSession(
                    idHash: id, userID: user.id, createdAt: now, lastSeenAt: now.addingTimeInterval(seen),
                    expiresAt: now.addingTimeInterval(expires), clientIP: ip, userAgent: agent)
            }
            let older = session(
                "a-old", alice, seen: 5, expires: 3_600, ip: "2001:db8::1", agent: "Mozilla/5.0 (Ünïcödé) ✉️")
            let newer = session("a-new", alice, seen: 50, expires: 3_600, ip: nil, agent: nil)
            let lapsed = session("a-lapsed", alice, seen: 1, expires: 2, ip: "203.0.113.7", agent: "curl/8")
            for stored in [older, lapsed, newer, session("b-1", bob, seen: 99, expires: 3_600, ip: nil, agent: "x")] {
                try await sessions.createSession(stored)
            }
            // Expired sessions stay listed until the sweeper removes them (the service filters them).
            #expect(try await sessions.sessions(userID: alice.id) == [newer, older, lapsed])
            #expect(try await sessions.sessions(userID: bob.id).map(\.idHash) == ["b-1"])
            try await sessions.touchSession(idHash: "a-old", at: now.addingTimeInterval(500))
            #expect(try await sessions.sessions(userID: alice.id).map(\.idHash) == ["a-old", "a-new", "a-lapsed"])
            try await sessions.deleteSessions(userID: alice.id, keeping: "a-new")
            #expect(try await sessions.sessions(userID: alice.id) == [newer])
            #expect(try await sessions.sessions(userID: UserID(9_999)).isEmpty)
        }
    }
}
