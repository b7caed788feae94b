import Foundation
import Synchronization
import Testing
import TidingsCore

@Suite struct AuthDirectoryTests {
    final class CountingLoader: Sendable {
        let loads = Atomic<Int>(0)

        func load() async throws -> AuthSnapshot {
            loads.wrappingAdd(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(20))
            return AuthSnapshot(users: [], userRoles: [], listRoles: [], tokens: [])
        }
    }

    @Test("a warm cache serves every request without loading")
    func warm() async throws {
        let loader = CountingLoader()
        let directory = AuthDirectory { try await loader.load() }
        _ = try await directory.snapshot()
        for _ in 0..<100 { _ = try await directory.snapshot() }
        #expect(loader.loads.load(ordering: .relaxed) == 1)
    }

    @Test("concurrent requests after an invalidation share one load")
    func singleFlight() async throws {
        let loader = CountingLoader()
        let directory = AuthDirectory { try await loader.load() }
        _ = try await directory.snapshot()
        await directory.invalidate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 { group.addTask { _ = try await directory.snapshot() } }
            try await group.waitForAll()
        }
        #expect(loader.loads.load(ordering: .relaxed) == 2)
    }

    @Test("a load that began before an invalidation is not served after it")
    func staleLoad() async throws {
        let loader = CountingLoader()
        let directory = AuthDirectory { try await loader.load() }
        async let early = directory.snapshot()
        try await Task.sleep(for: .milliseconds(5))
        await directory.invalidate()
        _ = try await directory.snapshot()
        _ = try await early
        #expect(loader.loads.load(ordering: .relaxed) == 2)
        _ = try await directory.snapshot()
        #expect(loader.loads.load(ordering: .relaxed) == 2)
    }
}

@Suite struct AuthDirectoryRefreshTests {
    /// Each load returns a snapshot with as many users as loads so far, so tests can tell them apart.
    final class NumberedLoader: Sendable {
        let loads = Atomic<Int>(0)

        func load() async throws -> AuthSnapshot {
            let number = loads.wrappingAdd(1, ordering: .relaxed).newValue
            let users = (1...number).map { index in
                User(
                    id: UserID(index), username: "u\(index)", passwordLogin: false, email: nil, name: "u", type: .api,
                    status: .enabled, userRoleID: RoleID(1), listRoleID: nil, createdAt: Date(), updatedAt: Date())
            }
            return AuthSnapshot(users: users, userRoles: [], listRoles: [], tokens: [])
        }
    }

    /// A time source the test moves by hand.
    final class ManualTime: Sendable {
        private let base = ContinuousClock.now
        private let offset = Mutex<Duration>(.zero)
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
        func now() -> ContinuousClock.Instant { base + offset.withLock { $0 } }
    }

    @Test("an old snapshot is served at once while a background refresh replaces it")
    func backgroundRefresh() async throws {
        let loader = NumberedLoader()
        let time = ManualTime()
        let directory = AuthDirectory(refreshAfter: .seconds(5), now: time.now) { try await loader.load() }
        #expect(try await directory.snapshot().usersByID.count == 1)
        time.advance(.seconds(4))
        #expect(try await directory.snapshot().usersByID.count == 1)
        time.advance(.seconds(2))
        #expect(try await directory.snapshot().usersByID.count == 1)  // stale, served without waiting
        var refreshed = 0
        for _ in 0..<500 where refreshed < 2 {
            try await Task.sleep(for: .milliseconds(10))
            refreshed = try await directory.snapshot().usersByID.count
        }
        #expect(refreshed == 2)
        #expect(loader.loads.load(ordering: .relaxed) == 2)
    }

    @Test("the lock-free currency check follows every load, invalidation and refresh")
    func currency() async throws {
        let loader = NumberedLoader()
        let time = ManualTime()
        let directory = AuthDirectory(refreshAfter: .seconds(5), now: time.now) { try await loader.load() }
        #expect(!directory.isCurrent(serial: 0))
        let first = try await directory.snapshot()
        #expect(directory.isCurrent(serial: first.serial))
        #expect(!directory.isCurrent(serial: first.serial &+ 1))
        // A change here, or announced by another process: stale at once, until the next load.
        await directory.invalidate()
        #expect(!directory.isCurrent(serial: first.serial))
        let second = try await directory.snapshot()
        #expect(second.serial != first.serial)
        #expect(directory.isCurrent(serial: second.serial))
        directory.invalidateAfterRemoteChange()
        #expect(!directory.isCurrent(serial: second.serial))
        let third = try await directory.snapshot()
        #expect(directory.isCurrent(serial: third.serial))
        // Past the refresh period the check still answers yes, and starts the background refresh,
        // whose snapshot then replaces the old one.
        time.advance(.seconds(6))
        #expect(directory.isCurrent(serial: third.serial))
        var replaced = false
        for _ in 0..<500 where !replaced {
            try await Task.sleep(for: .milliseconds(10))
            replaced = !directory.isCurrent(serial: third.serial)
        }
        #expect(replaced)
        #expect(loader.loads.load(ordering: .relaxed) == 4)
        #expect(directory.isCurrent(serial: try await directory.snapshot().serial))
    }

    @Test("an unknown key id reloads at most once per interval")
    func missReload() async throws {
        let loader = NumberedLoader()
        let time = ManualTime()
        let directory = AuthDirectory(refreshAfter: .seconds(3_600), missReloadInterval: .seconds(1), now: time.now) {
            try await loader.load()
        }
        _ = try await directory.snapshot()
        #expect(try await directory.snapshotAfterMiss() == nil)
        time.advance(.milliseconds(1_500))
        #expect(try await directory.snapshotAfterMiss()?.usersByID.count == 2)
        #expect(try await directory.snapshot().usersByID.count == 2)
        #expect(try await directory.snapshotAfterMiss() == nil)
        #expect(loader.loads.load(ordering: .relaxed) == 2)
    }
}
