import Foundation
import Testing
import TidingsCore
import TidingsStoreTestSupport

/// `TwoFactorStore`'s contract, on every backend.
@Suite struct TwoFactorStoreTests {
    @Test(
        "enrolling stores the sealed key and marks the user totp; unenrolling removes both",
        arguments: TestBackend.enabled)
    func enrol(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let bob = try await stores.user("bob")
            let store = stores.twoFactor
            #expect(try await store.sealedTwoFactorKey(userID: alice.id) == nil)
            try await store.setTwoFactor(userID: alice.id, sealedKey: "sealed-1", at: Date())
            #expect(try await store.sealedTwoFactorKey(userID: alice.id) == "sealed-1")
            #expect(try await stores.users.user(id: alice.id)?.twoFactor == .totp)
            #expect(try await store.sealedTwoFactorKey(userID: bob.id) == nil)
            #expect(try await stores.users.user(id: bob.id)?.twoFactor == TwoFactorType.none)
            try await store.setTwoFactor(userID: alice.id, sealedKey: nil, at: Date())
            #expect(try await store.sealedTwoFactorKey(userID: alice.id) == nil)
            #expect(try await stores.users.user(id: alice.id)?.twoFactor == TwoFactorType.none)
            #expect(try await store.sealedTwoFactorKey(userID: UserID(9_999)) == nil)
        }
    }

    @Test(
        "a step is claimed once, and never after a later one; each user has their own", arguments: TestBackend.enabled)
    func claims(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let bob = try await stores.user("bob")
            let store = stores.twoFactor
            try await store.setTwoFactor(userID: alice.id, sealedKey: "sealed-a", at: Date())
            try await store.setTwoFactor(userID: bob.id, sealedKey: "sealed-b", at: Date())
            #expect(try await store.claimTwoFactorStep(userID: alice.id, step: 100))
            #expect(try await !store.claimTwoFactorStep(userID: alice.id, step: 100))
            #expect(try await !store.claimTwoFactorStep(userID: alice.id, step: 99))
            #expect(try await store.claimTwoFactorStep(userID: bob.id, step: 100))
            #expect(try await store.claimTwoFactorStep(userID: alice.id, step: 101))
            #expect(try await !store.claimTwoFactorStep(userID: UserID(9_999), step: 1))
        }
    }

    @Test("concurrent claims of one step: exactly one wins", arguments: TestBackend.enabled)
    func concurrentClaims(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            try await stores.twoFactor.setTwoFactor(userID: alice.id, sealedKey: "sealed", at: Date())
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await stores.twoFactor.claimTwoFactorStep(userID: alice.id, step: 7) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test("a new enrolment starts its steps afresh", arguments: TestBackend.enabled)
    func reEnrol(backend: TestBackend) async throws {
        try await backend.withStores { stores async throws in
            let alice = try await stores.user("alice")
            let store = stores.twoFactor
            try await store.setTwoFactor(userID: alice.id, sealedKey: "old", at: Date())
            #expect(try await store.claimTwoFactorStep(userID: alice.id, step: 500))
            try await store.setTwoFactor(userID: alice.id, sealedKey: "new", at: Date())
            #expect(try await store.sealedTwoFactorKey(userID: alice.id) == "new")
            #expect(try await store.claimTwoFactorStep(userID: alice.id, step: 400))
        }
    }
}
