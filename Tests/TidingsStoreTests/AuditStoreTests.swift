import Foundation
import SQLKit
import Testing
import TidingsCore
import TidingsStore
import TidingsStoreTestSupport

/// `AuditStore`'s contract, on every backend.
@Suite struct AuditStoreTests {
    static func event(
        _ action: String, at offset: TimeInterval, outcome: AuditEvent.Outcome = .success,
        actor: AuditEvent.Actor = .anonymous
    ) -> AuditEvent {
        AuditEvent(at: Drafts.epoch + offset, action: action, outcome: outcome, actor: actor)
    }

    static let everything = AuditQuery(pagination: Pagination(page: 1, perPage: nil))

    @Test("every field is read back as written, with an id", arguments: TestBackend.enabled)
    func roundTrip(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let full = AuditEvent(
                at: Date(timeIntervalSince1970: 1_800_000_000.123456), action: "token.rotate", outcome: .failure,
                actor: AuditEvent.Actor(kind: .token, userID: UserID(7), username: "robot", tokenKeyID: "KEY0000001"),
                clientIP: "2001:db8::1", userAgent: "Mozilla/5.0 (Ünïcödé) ✉️", method: "POST",
                route: "/api/users/{id}/tokens/{key}/rotate", status: 403, targetType: "token", targetID: "KEY0000001",
                code: "beyond_own_access", details: ["quote": "it's \"fine\"", "empty": ""])
            let bare = Self.event("login.password", at: 1)
            try await stores.audit.appendAuditEvents([full, bare])
            let read = try await stores.audit.auditEvents(Self.everything)
            #expect(read.total == 2)
            let ids = read.items.compactMap(\.id)
            #expect(ids.count == 2)
            var expected = [bare, full]
            for index in expected.indices { expected[index].id = ids[index] }
            #expect(read.items == expected)
        }
    }

    @Test(
        "a batch keeps its order, however many statements it takes; an empty one writes nothing",
        arguments: TestBackend.enabled)
    func batches(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            try await stores.audit.appendAuditEvents([])
            #expect(try await stores.audit.auditEvents(Self.everything).total == 0)
            let count = 1_203  // more than two statements' worth
            let events = (0..<count).map { index in
                AuditEvent(
                    at: Drafts.epoch, action: "test.flood", outcome: .failure, actor: .anonymous,
                    clientIP: "192.0.2.\(index % 250)", code: "invalid_credentials", details: ["n": "\(index)"])
            }
            try await stores.audit.appendAuditEvents(events)
            let page = try await stores.audit.auditEvents(Self.everything)
            #expect(page.total == count)
            // One moment for all: newest first is by id, which follows the order written.
            #expect(page.items.map { $0.details["n"] } == (0..<count).reversed().map { "\($0)" })
            #expect(page.items.allSatisfy { $0.code == "invalid_credentials" && $0.outcome == .failure })
        }
    }

    @Test(
        "newest first, filtered by actor, action, outcome and time; paged with the total",
        arguments: TestBackend.enabled)
    func queries(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = AuditEvent.Actor(kind: .session, userID: UserID(5), username: "alice")
            let robot = AuditEvent.Actor(kind: .token, userID: UserID(6), username: "robot", tokenKeyID: "K")
            // Written out of time order: the read orders by time, not by id.
            try await stores.audit.appendAuditEvents([
                Self.event("token.create", at: 30, actor: robot),
                Self.event("login.password", at: 10, actor: alice),
                Self.event("login.password", at: 20, outcome: .failure),
                Self.event("token.revoke", at: 40, actor: alice),
                Self.event("tokens", at: 50, actor: robot),
                Self.event("token_x.y", at: 60),
            ])
            func actions(_ query: AuditQuery) async throws -> [String] {
                try await stores.audit.auditEvents(query).items.map(\.action)
            }
            func offsets(_ query: AuditQuery) async throws -> [TimeInterval] {
                try await stores.audit.auditEvents(query).items.map { $0.at.timeIntervalSince(Drafts.epoch) }
            }
            #expect(try await offsets(Self.everything) == [60, 50, 40, 30, 20, 10])
            #expect(try await offsets(AuditQuery(actor: "alice")) == [40, 10])
            #expect(try await offsets(AuditQuery(actor: "6")) == [50, 30])
            #expect(try await offsets(AuditQuery(actor: "nobody")).isEmpty)
            #expect(try await actions(AuditQuery(action: "token.")) == ["token.revoke", "token.create"])
            #expect(try await actions(AuditQuery(action: "token")).isEmpty)
            #expect(try await actions(AuditQuery(action: "login.password")) == ["login.password", "login.password"])
            #expect(try await offsets(AuditQuery(outcome: .failure)) == [20])
            let window = AuditQuery(from: Drafts.epoch + 20, until: Drafts.epoch + 40)
            #expect(try await offsets(window) == [30, 20])

            let second = try await stores.audit.auditEvents(AuditQuery(pagination: Pagination(page: 2, perPage: 4)))
            #expect(second.items.map { $0.at.timeIntervalSince(Drafts.epoch) } == [20, 10])
            #expect(second.total == 6)
            let filtered = try await stores.audit.auditEvents(
                AuditQuery(action: "login.", pagination: Pagination(page: 1, perPage: 1)))
            #expect(filtered.items.count == 1 && filtered.total == 2)
        }
    }

    @Test("before an id: older ids only, in id order, unshifted by later writes", arguments: TestBackend.enabled)
    func keyset(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            try await stores.audit.appendAuditEvents((0..<5).map { Self.event("e\($0)", at: Double(10 - $0)) })
            let all = try await stores.audit.auditEvents(Self.everything).items
            let ids = all.compactMap(\.id).sorted()
            var query = Self.everything
            query.beforeID = ids[3]
            #expect(try await stores.audit.auditEvents(query).items.map(\.action) == ["e2", "e1", "e0"])
            try await stores.audit.appendAuditEvents([Self.event("later", at: -100)])
            let page = try await stores.audit.auditEvents(query)
            #expect(page.items.map(\.action) == ["e2", "e1", "e0"] && page.total == 3)
        }
    }

    @Test("the database refuses to change or delete audit rows", arguments: TestBackend.enabled)
    func appendOnly(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            try await stores.audit.appendAuditEvents([Self.event("test.event", at: 0)])
            var statements = ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"]
            if backend == .postgres { statements.append("TRUNCATE audit_log") }
            for statement in statements {
                await expectRefused("\(statement)") {
                    try await stores.engine.write { database in
                        try await database.raw(SQLQueryString(stringLiteral: statement)).run()
                    }
                }
            }
            #expect(try await stores.audit.auditEvents(Self.everything).items.map(\.action) == ["test.event"])
        }
    }
}
