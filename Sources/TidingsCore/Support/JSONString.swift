import Foundation

/// Writing a JSON string literal by hand, for the places that produce JSON text without an
/// encoder (the API's ordered encoder, the importer's batches).
public enum JSONString {
    /// Appends `text` as a quoted, escaped JSON string to `out`.
    public static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            for byte in utf8 { appendEscaped(byte, to: &out) }
        } else {
            out.append(contentsOf: utf8)  // the common case: copied in one go
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        let escaped: UInt8
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped = byte
        case 0x0A: escaped = UInt8(ascii: "n")
        case 0x0D: escaped = UInt8(ascii: "r")
        case 0x09: escaped = UInt8(ascii: "t")
        case 0..<0x20:
            out.append(contentsOf: Array(String(format: "\\u%04x", Int(byte)).utf8))
            return
        default:
            out.append(byte)
            return
        }
        out.append(UInt8(ascii: "\\"))
        out.append(escaped)
    }
}
