import Foundation
import SQLKit

/// One result row, read by column position (0 is the first column of the SELECT).
///
/// What `DatabaseEngine.rows` hands its mapping closure: the row is read in place, on the
/// thread that runs the statement, with no per-cell name lookup or `Decodable` machinery. A
/// getter throws `RowReadFailure` when the column holds something else (a NULL where a value
/// was expected, text where a number was); the mapping is a programming error, never the caller's.
public protocol RowColumns {
    func int(_ column: Int) throws -> Int
    func optionalInt(_ column: Int) throws -> Int?
    func string(_ column: Int) throws -> String
    func optionalString(_ column: Int) throws -> String?
    func date(_ column: Int) throws -> Date
    func uuid(_ column: Int) throws -> UUID
}

/// A column did not hold what its reader expected.
public struct RowReadFailure: Error, CustomStringConvertible {
    public let column: Int
    public let expected: String

    public var description: String { "column \(column) does not hold \(expected)" }
}

/// `SQLRow`s (SQLKit's reads, e.g. inside a write transaction) read by position, so that one
/// mapping serves both paths. `names` are the SELECT's column names, in order.
struct NamedRowColumns: RowColumns {
    let row: any SQLRow
    let names: [String]

    func int(_ column: Int) throws -> Int { try row.decode(column: names[column], as: Int.self) }
    func optionalInt(_ column: Int) throws -> Int? { try row.decode(column: names[column], as: Int?.self) }
    func string(_ column: Int) throws -> String { try row.decode(column: names[column], as: String.self) }
    func optionalString(_ column: Int) throws -> String? {
        try row.decode(column: names[column], as: String?.self)
    }
    func date(_ column: Int) throws -> Date { try row.decode(column: names[column], as: Date.self) }
    func uuid(_ column: Int) throws -> UUID { try row.decode(column: names[column], as: UUID.self) }
}
