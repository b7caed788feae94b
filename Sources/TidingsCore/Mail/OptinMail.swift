import Foundation

/// The double opt-in confirmation: which subscriptions it asks about, the mail that asks, and
/// the link that answers (`/subscription/optin/<subscriber uuid>?l=<list uuid>…`).
public struct OptinMail: Sendable {
    /// The instance's public URL, without a trailing slash.
    public let rootURL: String
    /// `From:` of the mail (listmonk's `app.from_email`).
    public let fromAddress: String

    public init(rootURL: String, fromAddress: String) {
        var root = rootURL
        while root.hasSuffix("/") { root.removeLast() }
        self.rootURL = root
        self.fromAddress = fromAddress
    }

    /// The subscriptions an opt-in mail asks `subscriber` to confirm: unconfirmed ones to
    /// double opt-in lists. None for a blocklisted subscriber.
    public static func pending(for subscriber: Subscriber) -> [MailingList] {
        guard subscriber.status != .blocklisted else { return [] }
        return subscriber.subscriptions.filter { $0.status == .unconfirmed && $0.list.optin == .double }
            .map(\.list).sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// The page that confirms `lists` for `subscriber`.
    public func confirmationURL(for subscriber: Subscriber, lists: [MailingList]) -> String {
        let query = lists.map { "l=\($0.uuid.lowercasedText)" }.joined(separator: "&")
        return "\(rootURL)/subscription/optin/\(subscriber.uuid.lowercasedText)"
            + (query.isEmpty ? "" : "?\(query)")
    }

    /// The mail asking `subscriber` to confirm `lists`.
    public func message(for subscriber: Subscriber, lists: [MailingList]) -> MailMessage {
        let names = lists.map { "  - \($0.name)" }.joined(separator: "\n")
        let body = """
            Hello \(subscriber.name),

            Please confirm that you want to receive e-mail from \(lists.count == 1 ? "this list" : "these lists"):

            \(names)

            Confirm your subscription:
            \(confirmationURL(for: subscriber, lists: lists))

            If you did not ask for this, ignore this message: without your confirmation you will
            receive nothing from \(lists.count == 1 ? "it" : "them").

            """
        return MailMessage(
            from: fromAddress, to: [subscriber.email], subject: "Confirm your subscription", textBody: body,
            headers: [("X-Tidings-Subscriber", subscriber.uuid.lowercasedText)])
    }
}
