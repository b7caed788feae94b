import Foundation
import PostgresKit
import PostgresNIO
import SQLKit

extension PostgresEngine {
    /// The row path on PostgreSQL: the statement's binds go straight into PostgresNIO's binary
    /// bindings and each cell is decoded by position with PostgresNIO's typed decoding, instead
    /// of through PostgresKit's `Codable` bridge (a coding path and dynamic casts per cell).
    public func rows<T: Sendable>(
        _ query: any SQLExpression, _ map: @escaping @Sendable (any RowColumns) throws -> T
    ) async throws -> [T] {
        try await client.withConnection { connection in
            var serializer = SQLSerializer(database: connection.sql())
            query.serialize(to: &serializer)
            var bindings = PostgresBindings(capacity: serializer.binds.count)
            for bind in serializer.binds { try Self.append(bind, to: &bindings) }
            let statement = PostgresQuery(unsafeSQL: serializer.sql, binds: bindings)
            var rows: [T] = []
            for try await row in try await connection.query(statement, logger: logger) {
                rows.append(try map(PostgresRowColumns(row: row.makeRandomAccess())))
            }
            return rows
        }
    }

    /// A bind as PostgresKit would encode it (integers as `int8`, text as `text`, times as
    /// `timestamptz`, UUIDs as `uuid`).
    private static func append(_ bind: any Encodable & Sendable, to bindings: inout PostgresBindings) throws {
        switch bind {
        case let value as Int: bindings.append(value)
        case let value as String: bindings.append(value)
        case let value as Double: bindings.append(value)
        case let value as Bool: bindings.append(value)
        case let value as Date: bindings.append(value)
        case let value as UUID: bindings.append(value)
        case let value as (any Encodable & Sendable)? where value == nil: bindings.appendNull()
        default: throw UnsupportedBind(type: "\(type(of: bind))")
        }
    }
}

/// A PostgreSQL row read by position.
private struct PostgresRowColumns: RowColumns {
    let row: PostgresRandomAccessRow

    private func value<V: PostgresDecodable>(_ column: Int, as type: V.Type) throws -> V {
        guard column < row.count else { throw RowReadFailure(column: column, expected: "a column") }
        return try row[column].decode(V.self)
    }

    func int(_ column: Int) throws -> Int { try value(column, as: Int.self) }
    func optionalInt(_ column: Int) throws -> Int? { try value(column, as: Int?.self) }
    func string(_ column: Int) throws -> String { try value(column, as: String.self) }
    func optionalString(_ column: Int) throws -> String? { try value(column, as: String?.self) }
    func date(_ column: Int) throws -> Date { try value(column, as: Date.self) }
    func uuid(_ column: Int) throws -> UUID { try value(column, as: UUID.self) }
}
