import Foundation

/// Reads a result too large to hold at once a batch at a time: each `next()` is one read of the
/// store, which keeps no connection between reads, so memory holds one batch and other requests
/// get the database between batches however large the whole.
///
/// `read` is given where to resume (`nil`: at the start) and how many rows it may return, and
/// answers the rows with where the next batch resumes (`nil`: there is no more).
public struct BatchReader<Row: Sendable, Cursor: Sendable>: Sendable {
    public typealias Read = @Sendable (_ after: Cursor?, _ limit: Int) async throws -> (rows: [Row], next: Cursor?)

    private let read: Read
    private let batchSize: Int
    private var cursor: Cursor?
    /// Rows still wanted; `nil`: all there are.
    private var remaining: Int?
    private var started = false
    private var finished = false

    /// A reader of at most `limit` rows (`nil`: all of them), `batchSize` per read.
    public init(batchSize: Int, limit: Int? = nil, read: @escaping Read) {
        self.read = read
        self.batchSize = max(1, batchSize)
        self.remaining = limit
    }

    /// The next batch, never empty; `nil` when there is no more. Before every read but the first
    /// it yields, so that a long read lets other tasks run between its batches.
    public mutating func next() async throws -> [Row]? {
        while !finished {
            let limit = min(batchSize, remaining ?? batchSize)
            guard limit > 0 else { break }
            if started { await Task.yield() }
            started = true
            let (rows, next) = try await read(cursor, limit)
            remaining = remaining.map { $0 - rows.count }
            cursor = next
            finished = next == nil
            if !rows.isEmpty { return rows }
        }
        finished = true
        return nil
    }
}
