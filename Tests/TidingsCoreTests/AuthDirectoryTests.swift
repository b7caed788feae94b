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
        directory.invalidate()
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
        directory.invalidate()
        _ = try await directory.snapshot()
        _ = try await early
        #expect(loader.loads.load(ordering: .relaxed) == 2)
        _ = try await directory.snapshot()
        #expect(loader.loads.load(ordering: .relaxed) == 2)
    }
}
