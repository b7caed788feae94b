import Logging
import TidingsCore

extension BatchReader {
    /// Hands every batch left to `write`, for a response whose status is sent: a failure can then
    /// only end the body short, so it is logged before it is thrown.
    mutating func drain(logger: Logger, _ write: ([Row]) async throws -> Void) async throws {
        do {
            while let batch = try await next() { try await write(batch) }
        } catch {
            logger.error("a streamed response ended early", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
    }
}
