import Foundation
import TidingsCore

/// A JSON encoder that writes object keys in the order `encode(to:)` encodes them, as listmonk's
/// Go encoder does (Foundation's encoder on Linux does not keep that order). Dates are written
/// as listmonk writes them (`Timestamp.rfc3339`) and UUIDs in lower case.
struct OrderedJSONEncoder {
    var pretty = false

    /// `value` as JSON text. With `pretty`, it is indented as a value `indent` levels deep in a
    /// larger document (the lines after its first start with `indent` levels of indentation).
    func encode(_ value: some Encodable, indent: Int = 0) throws -> [UInt8] {
        let root = JSONBox()
        try JSONNodeEncoder(box: root).encodeValue(value)
        var out: [UInt8] = []
        out.reserveCapacity(256)
        root.node.write(into: &out, pretty: pretty, indent: indent)
        return out
    }
}

/// A JSON value with ordered object members.
enum JSONNode {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONBox])
    case object([(String, JSONBox)])

    func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let value): out.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .number(let text): out.append(contentsOf: Array(text.utf8))
        case .string(let text): JSONString.append(text, to: &out)
        case .array(let items):
            writeContainer(
                open: "[", close: "]", count: items.count, into: &out, pretty: pretty, indent: indent
            ) { index, out in items[index].node.write(into: &out, pretty: pretty, indent: indent + 1) }
        case .object(let members):
            writeContainer(
                open: "{", close: "}", count: members.count, into: &out, pretty: pretty, indent: indent
            ) { index, out in
                JSONString.append(members[index].0, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                members[index].1.node.write(into: &out, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func writeContainer(
        open: Character, close: Character, count: Int, into out: inout [UInt8], pretty: Bool, indent: Int,
        element: (Int, inout [UInt8]) -> Void
    ) {
        out.append(open.asciiValue!)
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { Self.newline(&out, indent: indent + 1) }
            element(index, &out)
        }
        if pretty && count > 0 { Self.newline(&out, indent: indent) }
        out.append(close.asciiValue!)
    }

    private static func newline(_ out: inout [UInt8], indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }
}

/// A mutable slot for a node, so nested containers can fill their parent after the fact.
final class JSONBox {
    var node: JSONNode = .null
}

private struct JSONNodeEncoder: Encoder {
    let box: JSONBox
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = box.node {} else { box.node = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = box.node {} else { box.node = .array([]) }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(box: box, codingPath: codingPath)
    }

    /// Encodes `value`, with the special forms for dates and UUIDs.
    func encodeValue(_ value: some Encodable) throws {
        switch value {
        case let date as Date: box.node = .string(Timestamp.rfc3339(date))
        case let uuid as UUID: box.node = .string(uuid.uuidString.lowercased())
        default: try value.encode(to: self)
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONBox
    var codingPath: [any CodingKey]

    private func slot(_ key: Key) -> JSONBox {
        guard case .object(var members) = box.node else { return JSONBox() }
        if let existing = members.first(where: { $0.0 == key.stringValue }) { return existing.1 }
        let child = JSONBox()
        members.append((key.stringValue, child))
        box.node = .object(members)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).node = .null }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key]).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { JSONNodeEncoder(box: box, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(box: slot(key), codingPath: codingPath)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONBox
    var codingPath: [any CodingKey]

    var count: Int {
        if case .array(let items) = box.node { return items.count }
        return 0
    }

    private func append() -> JSONBox {
        guard case .array(var items) = box.node else { return JSONBox() }
        let child = JSONBox()
        items.append(child)
        box.node = .array(items)
        return child
    }

    mutating func encodeNil() throws { append().node = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder(box: append(), codingPath: codingPath).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONNodeEncoder(box: append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(box: append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { JSONNodeEncoder(box: append(), codingPath: codingPath) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: JSONBox
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { box.node = .null }
    mutating func encode(_ value: Bool) throws { box.node = .bool(value) }
    mutating func encode(_ value: String) throws { box.node = .string(value) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "not a finite number"))
        }
        box.node = .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { box.node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder(box: box, codingPath: codingPath).encodeValue(value)
    }
}
