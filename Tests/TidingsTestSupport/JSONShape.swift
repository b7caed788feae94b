import Foundation

/// The shape of a JSON document: for every object, the path to it and its keys in order.
/// Used to compare our responses with listmonk's recorded ones key by key.
public enum JSONShape {
    /// Path (`data.results[].user_role`) → keys in document order. Array elements share one
    /// path; the first element of each array that is an object defines it.
    public static func keyOrders(of text: String) throws -> [String: [String]] {
        var parser = Parser(bytes: Array(text.utf8))
        var shapes: [String: [String]] = [:]
        try parser.value(path: "$", into: &shapes)
        return shapes
    }

    struct ParseError: Error {}

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value(path: String, into shapes: inout [String: [String]]) throws {
            skipSpace()
            guard index < bytes.count else { throw ParseError() }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var keys: [String] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                } else {
                    while true {
                        skipSpace()
                        let key = try string()
                        keys.append(key)
                        skipSpace()
                        guard bytes[index] == UInt8(ascii: ":") else { throw ParseError() }
                        index += 1
                        try value(path: "\(path).\(key)", into: &shapes)
                        skipSpace()
                        if bytes[index] == UInt8(ascii: ",") {
                            index += 1
                            continue
                        }
                        guard bytes[index] == UInt8(ascii: "}") else { throw ParseError() }
                        index += 1
                        break
                    }
                }
                if shapes[path] == nil { shapes[path] = keys }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return
                }
                while true {
                    try value(path: "\(path)[]", into: &shapes)
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { throw ParseError() }
                    index += 1
                    break
                }
            case UInt8(ascii: "\""):
                _ = try string()
            default:
                while index < bytes.count, !",}] \n\r\t".utf8.contains(bytes[index]) { index += 1 }
            }
        }

        mutating func string() throws -> String {
            guard bytes[index] == UInt8(ascii: "\"") else { throw ParseError() }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            return text
        }
    }
}

/// listmonk's recorded responses in `shared/listmonk/samples/`: beside the repository (`../shared`),
/// or where `TIDINGS_SHARED_DIR` says, or in the project's workspace (`/work/shared`), for a clone
/// made elsewhere.
public enum ListmonkSamples {
    public static var directory: URL {
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
        let candidates =
            [beside.path, ProcessInfo.processInfo.environment["TIDINGS_SHARED_DIR"], "/work/shared"]
            .compactMap { $0 }.map { URL(fileURLWithPath: $0).appendingPathComponent("listmonk/samples") }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }

    /// The `body` of a sample, re-serialised from the file's text with its key order kept.
    public static func body(_ name: String) throws -> String {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        guard let range = text.range(of: "\"body\":") else { throw JSONShape.ParseError() }
        return String(text[range.upperBound...])
    }
}
