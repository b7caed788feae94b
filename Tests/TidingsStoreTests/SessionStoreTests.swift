import Foundation
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// `SessionStore`'s contract, on every backend.
@Suite struct SessionStoreTests {
    @Test("create, read, touch and end one session", arguments: TestBackend.enabled)
    func oneSession(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let user = try await stores.user("alice")
            let sessions = stores.sessions
            let session = Drafts.session("s1", user: user.id, ip: "2001:db8::1", agent: "Mozilla/5.0 (Ünïcödé) ✉️")
            try await sessions.createSession(session)
            #expect(try await sessions.session(idHash: "s1") == session)
            #expect(try await sessions.session(idHash: "nope") == nil)
            try await sessions.touchSession(idHash: "s1", at: Drafts.epoch + 10)
            var touched = session
            touched.lastSeenAt = Drafts.epoch + 10
            #expect(try await sessions.session(idHash: "s1") == touched)
            try await sessions.touchSession(idHash: "nope", at: Drafts.epoch + 10)
            try await sessions.deleteSession(idHash: "s1")
            #expect(try await sessions.session(idHash: "s1") == nil)
            try await sessions.deleteSession(idHash: "s1")
        }
    }

    @Test("a session of an unknown user, or with an id hash in use, is refused", arguments: TestBackend.enabled)
    func refused(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let bob = try await stores.user("bob")
            let sessions = stores.sessions
            await expectRefused { try await sessions.createSession(Drafts.session("s0", user: UserID(9_999))) }
            #expect(try await sessions.session(idHash: "s0") == nil)
            let first = Drafts.session("s1", user: alice.id)
            try await sessions.createSession(first)
            await expectRefused { try await sessions.createSession(Drafts.session("s1", user: bob.id)) }
            #expect(try await sessions.session(idHash: "s1") == first)
        }
    }

    @Test("a user's list is theirs alone, most recently used first, every field kept", arguments: TestBackend.enabled)
    func sessionsOfUser(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let bob = try await stores.user("bob")
            let sessions = stores.sessions
            let older = Drafts.session(
                "a-old", user: alice.id, seen: 5, ip: "2001:db8::1", agent: "Mozilla/5.0 (Ünïcödé) ✉️")
            let newer = Drafts.session("a-new", user: alice.id, seen: 50, ip: nil, agent: nil)
            let lapsed = Drafts.session(
                "a-lapsed", user: alice.id, seen: 1, expires: 2, ip: "203.0.113.7", agent: "curl/8")
            for stored in [older, lapsed, newer, Drafts.session("b-1", user: bob.id, seen: 99)] {
                try await sessions.createSession(stored)
            }
            // Expired sessions stay listed until the sweeper removes them (the service filters them).
            #expect(try await sessions.sessions(userID: alice.id) == [newer, older, lapsed])
            #expect(try await sessions.sessions(userID: bob.id).map(\.idHash) == ["b-1"])
            try await sessions.touchSession(idHash: "a-old", at: Drafts.epoch + 500)
            #expect(try await sessions.sessions(userID: alice.id).map(\.idHash) == ["a-old", "a-new", "a-lapsed"])
            #expect(try await sessions.sessions(userID: UserID(9_999)).isEmpty)
        }
    }

    @Test("ending a user's sessions keeps the one named, and no other user's", arguments: TestBackend.enabled)
    func endAllButOne(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let bob = try await stores.user("bob")
            let sessions = stores.sessions
            for id in ["a1", "a2", "a3"] { try await sessions.createSession(Drafts.session(id, user: alice.id)) }
            try await sessions.createSession(Drafts.session("b1", user: bob.id))
            try await sessions.deleteSessions(userID: alice.id, keeping: "a2")
            #expect(try await sessions.sessions(userID: alice.id).map(\.idHash) == ["a2"])
            // `keeping` names a session of this user only: bob's is not spared by naming it.
            try await sessions.deleteSessions(userID: alice.id, keeping: "b1")
            #expect(try await sessions.sessions(userID: alice.id).isEmpty)
            #expect(try await sessions.session(idHash: "b1") != nil)
            try await sessions.deleteSessions(userID: bob.id, keeping: nil)
            #expect(try await sessions.session(idHash: "b1") == nil)
        }
    }

    @Test(
        "the sweep removes sessions past their absolute or idle lifetime and counts them",
        arguments: TestBackend.enabled)
    func sweep(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let user = try await stores.user("alice")
            let sessions = stores.sessions
            let now = Drafts.epoch + 1_000
            for (id, seen, expires) in [
                ("expired", 990.0, 999.0), ("expires-now", 990, 1_000), ("idle", 899, 5_000), ("fresh", 900, 1_001),
            ] {
                try await sessions.createSession(Drafts.session(id, user: user.id, seen: seen, expires: expires))
            }
            #expect(try await sessions.deleteExpiredSessions(now: now, idleBefore: Drafts.epoch + 900) == 3)
            #expect(try await sessions.sessions(userID: user.id).map(\.idHash) == ["fresh"])
            #expect(try await sessions.deleteExpiredSessions(now: now, idleBefore: Drafts.epoch + 900) == 0)
        }
    }
}
