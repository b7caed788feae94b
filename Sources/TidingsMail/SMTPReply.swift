import NIOCore

/// One reply of an SMTP server (RFC 5321 §4.2): a three-digit code and its text lines.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later. 5xx: the server will not accept this, however often asked.
    var isTransient: Bool { (400..<500).contains(code) }
    var text: String { lines.joined(separator: " ") }
}

/// Collects a server's bytes into replies: `250-first`, `250-second`, `250 last` is one reply.
struct SMTPReplyParser: Sendable {
    private var pending = ByteBuffer()
    private var lines: [String] = []
    /// Longest line accepted (RFC 5321 allows 512; servers send longer EHLO lines in practice).
    static let maximumLineLength = 4_096

    mutating func append(_ bytes: ByteBuffer) { pending.writeImmutableBuffer(bytes) }

    /// The next complete reply, if the bytes so far hold one.
    mutating func nextReply() throws -> SMTPReply? {
        while let line = try nextLine() {
            guard line.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
                throw SMTPError.protocolViolation("unexpected reply line \"\(line.prefix(80))\"")
            }
            let separator = line.dropFirst(3).first
            lines.append(String(line.dropFirst(4)))
            if separator == "-" { continue }
            guard separator == nil || separator == " " else {
                throw SMTPError.protocolViolation("unexpected reply line \"\(line.prefix(80))\"")
            }
            defer { lines = [] }
            return SMTPReply(code: code, lines: lines)
        }
        return nil
    }

    private mutating func nextLine() throws -> String? {
        let view = pending.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if pending.readableBytes > Self.maximumLineLength {
                throw SMTPError.protocolViolation("reply line longer than \(Self.maximumLineLength) bytes")
            }
            return nil
        }
        let length = newline - view.startIndex
        var line = pending.readString(length: length) ?? ""
        pending.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        pending.discardReadBytes()
        return line
    }
}

/// Why a delivery failed.
enum SMTPError: Error, CustomStringConvertible {
    /// The server answered a command with a negative reply.
    case rejected(command: String, reply: SMTPReply)
    /// The server broke the protocol, or closed the connection mid-conversation.
    case protocolViolation(String)
    /// The server lacks what the settings require (STARTTLS, AUTH).
    case unsupported(String)
    case timedOut

    /// Whether trying again later may succeed (a 4xx reply, a lost connection, a timeout).
    var isTransient: Bool {
        switch self {
        case .rejected(_, let reply): return reply.isTransient
        case .protocolViolation, .timedOut: return true
        case .unsupported: return false
        }
    }

    var description: String {
        switch self {
        case .rejected(let command, let reply): return "\(command) refused: \(reply.code) \(reply.text)"
        case .protocolViolation(let text): return "SMTP protocol error: \(text)"
        case .unsupported(let text): return text
        case .timedOut: return "the SMTP server did not finish in time"
        }
    }
}
