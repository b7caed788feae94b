import Foundation
import TidingsCore

/// A `MailMessage` as the text an SMTP `DATA` command carries (RFC 5322, RFC 2045–2047): CRLF line
/// endings, non-ASCII headers as encoded words, the body in quoted-printable (so every line stays
/// under 78 characters and 7-bit), and no way for a value to start a header of its own.
enum MIMEMessage {
    static func render(_ message: MailMessage, date: Date, messageID: String) -> String {
        var headers: [(String, String)] = [
            ("From", mailbox(message.from)),
            ("To", message.to.map(headerSafe).joined(separator: ", ")),
            ("Subject", encodedWords(headerSafe(message.subject))),
            ("Date", rfc5322Date(date)),
            ("Message-ID", "<\(headerSafe(messageID))>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ]
        for header in message.headers where isHeaderName(header.name) {
            headers.append((header.name, encodedWords(headerSafe(header.value))))
        }
        let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        return head + "\r\n" + quotedPrintable(message.textBody)
    }

    /// The `DATA` payload of `text`: lines starting with `.` doubled, ended by `CRLF.CRLF`.
    static func dotStuffed(_ text: String) -> String {
        var lines = text.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// `Name <address>` with the name quoted or encoded as needed; a bare address unchanged.
    static func mailbox(_ from: String) -> String {
        let value = headerSafe(from)
        guard let open = value.lastIndex(of: "<") else { return value }
        let name = value[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(
            in: CharacterSet(charactersIn: "\""))
        let address = value[open...]
        guard !name.isEmpty else { return String(address) }
        if !name.unicodeScalars.allSatisfy(\.isASCII) { return "\(encodedWords(name)) \(address)" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" \(address)"
    }

    /// A header value with every line break replaced by a space: header injection is impossible.
    static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : Character($0) })
    }

    private static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    }

    /// ASCII text unchanged; anything else as RFC 2047 base64 encoded words of at most 45 bytes
    /// of UTF-8 each (75 characters), never splitting a character.
    static func encodedWords(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?b?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?b?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 2045 §6.7 quoted-printable, CRLF line endings, lines ≤ 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        var out = ""
        for line in lines {
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !last)
                let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if current.count + piece.count > 75 {
                    out += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            out += current + "\r\n"
        }
        return out
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
