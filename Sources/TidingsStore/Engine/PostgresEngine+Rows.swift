import Foundation
import PostgresKit
import PostgresNIO
import SQLKit

extension PostgresEngine {
    /// The row path on PostgreSQL: the statement is prepared once per connection
    /// (`PostgresPreparedStatements`), its binds go straight to PostgresNIO's wire values, and
    /// each cell is decoded by position with PostgresNIO's typed decoding, instead of through
    /// PostgresKit's `Codable` bridge (a coding path and dynamic casts per cell).
    public func rows<T: Sendable>(
        _ query: any SQLExpression, _ map: @escaping @Sendable (any RowColumns) throws -> T
    ) async throws -> [T] {
        try await client.withConnection { connection in
            var serializer = SQLSerializer(database: TypedBindDatabase(base: connection.sql()))
            query.serialize(to: &serializer)
            var bindings = PostgresBindings(capacity: serializer.binds.count)
            for bind in serializer.binds { try PostgresBindType.append(bind, to: &bindings) }
            let rows = try await preparedStatements.rows(serializer.sql, bindings, on: connection, logger: logger)
            return try rows.map { try map(PostgresRowColumns(row: $0.makeRandomAccess())) }
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
