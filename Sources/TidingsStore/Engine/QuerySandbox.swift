import Foundation
import TidingsCore

/// A connection that runs the SELECTs built around a caller's SQL expression, and can do no harm:
/// it reads only the subscriber, list and subscription tables, writes nothing, and gives up after
/// a time limit (see docs/segmentation.md).
public protocol QuerySandbox: Sendable {
    /// Runs `sql` (with `?` placeholders for `binds`) and returns the first column of each row as
    /// an integer. Throws `TidingsError` 400 `invalid_query` for anything the sandbox refuses or
    /// the database rejects, and `query_timeout` when it runs out of time.
    func integers(_ sql: String, binds: [QueryBind]) async throws -> [Int]
    /// Refuses, with `400 invalid_query`, an expression this sandbox cannot run safely, before any
    /// statement is built around it.
    func admit(_ expression: FilterExpression) throws(TidingsError)
    /// Closes the connection (at shutdown).
    func close() async
}

/// A value bound into a statement that Tidings runs below SQLKit (a sandboxed filter, SQLite's
/// row path), in the few types its queries bind.
public enum QueryBind: Sendable, Equatable {
    case integer(Int)
    case text(String)
    case real(Double)
    case null

    /// The bind for a value SQLKit collected while serialising a query, as SQLite stores it
    /// (what SQLiteKit's encoder writes): times as seconds since 1970, UUIDs as lower-case text,
    /// Booleans as 0 and 1.
    init(_ value: any Encodable) throws {
        switch value {
        case let value as Int: self = .integer(value)
        case let value as String: self = .text(value)
        case let value as Double: self = .real(value)
        case let value as Bool: self = .integer(value ? 1 : 0)
        case let value as Date: self = .real(value.timeIntervalSince1970)
        case let value as UUID: self = .text(value.lowercasedText)
        case let value as (any Encodable)? where value == nil: self = .null
        default: throw UnsupportedBind(type: "\(type(of: value))")
        }
    }
}

/// A bind of a type Tidings' own statements do not take: a programming error in a store query.
struct UnsupportedBind: Error, CustomStringConvertible {
    let type: String
    var description: String { "a statement below SQLKit cannot bind a value of type \(type)" }
}

extension FilterExpression {
    /// Refuses the first function the expression calls that `allowed` does not hold (names
    /// compared in lower case), in the words of SQLite's authorizer.
    func requireFunctions(in allowed: Set<String>) throws(TidingsError) {
        if let refused = functionCalls.sorted().first(where: { !allowed.contains($0.lowercased()) }) {
            throw FilterExpression.invalid("not authorized to use function: \(refused)")
        }
    }
}
