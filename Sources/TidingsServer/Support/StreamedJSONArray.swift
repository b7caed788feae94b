import Hummingbird
import Logging
import NIOCore
import TidingsCore

/// A JSON response whose one long array (a page's `results`) is written as its items are read.
/// The document around the array is encoded once, as `APIResponseEncoder` would, with a
/// placeholder (`Slot`) as the array's only element; the bytes before and after it frame the
/// items, and each item is encoded at the depth the array's elements have. The body is
/// therefore byte for byte the document encoded at once, `?pretty` included.
struct StreamedJSONArray: Sendable {
    /// The element that marks where the items go; put it, alone, in the streamed array.
    struct Slot: Encodable, Sendable {
        static let marker = "\u{1}streamed items\u{1}"

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(Self.marker)
        }
    }

    /// The document up to the first item.
    private let head: [UInt8]
    /// The document after the last item, with the response's trailing newline.
    private let tail: [UInt8]
    /// What comes between two items: a comma, and the line break and indentation with `pretty`.
    private let separator: [UInt8]
    /// How many levels deep the items are.
    private let depth: Int
    private let encoder: OrderedJSONEncoder

    /// `document` with a `Slot` as the only element of the array to stream. The first occurrence
    /// of the slot is the one: the array must come before any text the caller chose.
    init(document: some Encodable, pretty: Bool) throws {
        encoder = OrderedJSONEncoder(pretty: pretty)
        let whole = try encoder.encode(document) + [UInt8(ascii: "\n")]
        var slot: [UInt8] = []
        JSONString.append(Slot.marker, to: &slot)
        guard let start = whole.indices.first(where: { whole[$0...].starts(with: slot) }) else {
            preconditionFailure("the document has no StreamedJSONArray.Slot")
        }
        head = Array(whole[..<start])
        tail = Array(whole[(start + slot.count)...])
        // With `pretty`, the head ends with the line break and indentation before an element.
        let indentation = head.reversed().prefix { $0 == UInt8(ascii: " ") }.count
        depth = pretty ? indentation / 2 : 0
        separator = [UInt8(ascii: ",")] + (pretty ? [UInt8(ascii: "\n")] + Array(head.suffix(indentation)) : [])
    }

    /// The bytes of `items`, preceded by the head when they are the first.
    func chunk(_ items: [some Encodable], first: Bool) throws -> ByteBuffer {
        var out = first ? head : []
        for (index, item) in items.enumerated() {
            if !first || index > 0 { out += separator }
            out += try encoder.encode(item, indent: depth)
        }
        return ByteBuffer(bytes: out)
    }

    /// A `200` whose body is the document with the items of `first` and of every batch `rest`
    /// reads after it (`first` must not be empty: an empty array is written differently).
    func response<Row: Sendable, Cursor: Sendable, Item: Encodable & Sendable>(
        first: [Row], rest: BatchReader<Row, Cursor>, logger: Logger, item: @escaping @Sendable (Row) -> Item
    ) -> Response {
        let body = ResponseBody { writer in
            var rest = rest
            try await writer.write(try chunk(first.map(item), first: true))
            try await rest.drain(logger: logger) { batch in
                try await writer.write(try chunk(batch.map(item), first: false))
            }
            try await writer.write(ByteBuffer(bytes: tail))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
