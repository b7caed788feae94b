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
    /// Compact JSON text written by a `JSONWritable`.
    case text([UInt8])

    func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): JSONString.append(text, to: &out)
        case .text(let raw):
            if pretty { Self.indent(raw, into: &out, indent: indent) } else { out.append(contentsOf: raw) }
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

struct JSONNodeEncoder: Encoder {
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
        try Self.encode(value, into: box) { codingPath }
    }

    /// Encodes `value` into `box`: strings, numbers, booleans, dates and UUIDs directly, other
    /// values through an encoder at `path` (made only then: most values of a page are leaves).
    static func encode<T: Encodable>(_ value: T, into box: JSONBox, path: () -> [any CodingKey]) throws {
        switch value {
        case let text as String: box.node = .string(text)
        case let number as Int: box.node = .number(String(number))
        case let flag as Bool: box.node = .bool(flag)
        case let date as Date: box.node = .string(Timestamp.rfc3339(date))
        case let uuid as UUID: box.node = .string(uuid.lowercasedText)
        default: try value.encode(to: JSONNodeEncoder(box: box, codingPath: path()))
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONBox
    var codingPath: [any CodingKey]

    private func slot(_ key: Key) -> JSONBox {
        let name = key.stringValue
        guard case .object(var members) = box.node else { return JSONBox() }
        if let existing = members.first(where: { $0.0 == name }) { return existing.1 }
        box.node = .null  // the box lets go of the array, so that appending does not copy it
        let child = JSONBox()
        members.append((name, child))
        box.node = .object(members)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).node = .null }
    mutating func encode(_ value: String, forKey key: Key) throws { slot(key).node = .string(value) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot(key).node = .bool(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot(key).node = .number(String(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONNodeEncoder.encode(value, into: slot(key)) { codingPath + [key] }
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
        box.node = .null  // the box lets go of the array, so that appending does not copy it
        let child = JSONBox()
        items.append(child)
        box.node = .array(items)
        return child
    }

    mutating func encodeNil() throws { append().node = .null }
    mutating func encode(_ value: String) throws { append().node = .string(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONNodeEncoder.encode(value, into: append()) { codingPath }
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
