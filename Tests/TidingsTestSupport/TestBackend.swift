import Foundation
import TidingsServer
@_exported import TidingsStoreTestSupport

/// The server's view of a test database: a configuration pointing at it, and the services on it.
/// (`TestBackend` itself, and the stores without a server, are in `TidingsStoreTestSupport`.)
extension TestBackend {
    /// A fresh, empty database of this backend: its configuration (bcrypt cost 4 for speed, a
    /// fixed secret key, a temporary data directory), removed again when `body` returns.
    public func withFreshDatabase<T: Sendable>(
        _ body: @Sendable (TidingsConfiguration) async throws -> T
    ) async throws -> T {
        try await withEmptyDatabase { database in
            var configuration = TidingsConfiguration()
            configuration.dataDirectory = database.directory
            configuration.secretKey = "test-secret-key-that-is-long-enough-0123456789"
            configuration.bcryptCost = 4
            configuration.port = 0
            configuration.databaseURL = database.url
            return try await body(configuration)
        }
    }

}
