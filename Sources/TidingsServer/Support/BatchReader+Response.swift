import Logging
import TidingsCore

extension BatchReader {
    /// Hands every batch left to `write`, for a response whose status is sent. A failed read can
    /// then only end the body short, so it is logged before it is thrown; a failed write (the
    /// client went away) is not worth a log line.
    mutating func drain(logger: Logger, _ write: ([Row]) async throws -> Void) async throws {
        while true {
            let batch: [Row]?
            do {
                batch = try await next()
            } catch {
                logger.error("a streamed response ended early", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            }
            guard let batch else { return }
            try await write(batch)
        }
    }
}
