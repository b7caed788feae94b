import Foundation

/// One e-mail to send: who from, who to, and its plain-text body. Rendering it as a MIME message
/// (headers, encodings) is the sender's job; this type only guarantees that nothing in it can
/// inject a header.
public struct MailMessage: Sendable, Equatable {
    /// The sender as it appears in `From:` (`Name <address>` or a bare address).
    public var from: String
    /// Bare recipient addresses.
    public var to: [String]
    public var subject: String
    public var textBody: String
    /// Extra headers (`List-Id`, `X-Tidings-*`), already checked for line breaks.
    public var headers: [(name: String, value: String)]

    public init(
        from: String, to: [String], subject: String, textBody: String, headers: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.headers = headers
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.subject == rhs.subject && lhs.textBody == rhs.textBody
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    /// The bare address inside `from` (`Name <a@b>` → `a@b`).
    public var envelopeSender: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else {
            return from.trimmingCharacters(in: .whitespaces)
        }
        return String(from[from.index(after: open)..<close])
    }
}

/// Where mail goes to be delivered. Delivery happens later, elsewhere: `enqueue` returns as soon
/// as the message is accepted, so an unreachable mail server never fails the request that sent it.
public protocol MailOutbox: Sendable {
    /// Accepts `message` for delivery; throws `MailOutboxError.full` when it cannot take more.
    func enqueue(_ message: MailMessage) throws
}

public enum MailOutboxError: Error, Equatable {
    /// The delivery queue is at its limit (the mail server is slower than the senders).
    case full
}
