import Foundation
import TidingsCore

/// A value that writes its own compact JSON text, for the payloads that are worth it (a page of
/// lists): through `Encodable` every field costs allocations, dynamic casts and protocol
/// lookups, and a page of 20 lists spent most of its time there.
///
/// Its `Encodable` conformance comes from `encode(to:)` below: the text goes into
/// `OrderedJSONEncoder`'s tree as it is (indented there when the output is pretty); any other
/// encoder gets the same JSON as values.
protocol JSONWritable: Encodable {
    func write(to json: inout JSONWriter)
}

extension JSONWritable {
    func encode(to encoder: any Encoder) throws {
        var json = JSONWriter()
        write(to: &json)
        if let encoder = encoder as? JSONNodeEncoder {
            encoder.box.node = .text(json.bytes)
        } else {
            try JSONDecoder().decode(JSONValue.self, from: Data(json.bytes)).encode(to: encoder)
        }
    }
}

/// Compact JSON text, written value by value; commas go in by themselves.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value or key follows another in its container.
    private var follows = false

    init() { bytes.reserveCapacity(512) }

    private mutating func separate() {
        if follows { bytes.append(UInt8(ascii: ",")) }
        follows = true
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        follows = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        follows = true
    }

    /// An object member's key; its value comes next.
    mutating func key(_ name: String) {
        separate()
        JSONString.append(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        follows = false
    }

    mutating func string(_ text: String) {
        separate()
        JSONString.append(text, to: &bytes)
    }

    mutating func number(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A time as listmonk writes it (`Timestamp.rfc3339`).
    mutating func time(_ date: Date) { string(Timestamp.rfc3339(date)) }

    mutating func strings(_ texts: [String]) {
        beginArray()
        for text in texts { string(text) }
        endArray()
    }

    /// Object members, key and value.
    mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func member(_ name: String, _ value: Int) {
        key(name)
        number(value)
    }

    mutating func member(_ name: String, _ value: Date) {
        key(name)
        time(value)
    }
}

extension JSONNode {
    /// Compact JSON text `raw` as `write(into:pretty:indent:)` lays out a tree: two spaces per
    /// level, `": "` after keys, empty containers on one line.
    static func indent(_ raw: [UInt8], into out: inout [UInt8], indent: Int) {
        var depth = indent
        var inString = false
        var escaped = false
        var index = 0
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        while index < raw.count {
            let byte = raw[index]
            index += 1
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                if index < raw.count, raw[index] == UInt8(ascii: "}") || raw[index] == UInt8(ascii: "]") {
                    out.append(raw[index])  // an empty container stays on its line
                    index += 1
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(contentsOf: ": ".utf8)
            default:
                out.append(byte)
            }
        }
    }
}
