import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A small SMTP server on 127.0.0.1 for tests: it speaks enough of RFC 5321 (EHLO, STARTTLS,
/// AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to receive what Tidings sends, and keeps each
/// message as it arrived on the wire.
public final class SMTPTestServer: Sendable {
    /// One message as the server received it.
    public struct Mail: Sendable {
        public let sender: String
        public let recipients: [String]
        /// The `DATA` payload with dot-stuffing removed, CRLF line endings kept.
        public let data: String
        public let authenticatedAs: String?
        public let overTLS: Bool

        /// A header's value, unfolded (`nil` when absent).
        public func header(_ name: String) -> String? {
            let head = data.components(separatedBy: "\r\n\r\n").first ?? ""
            let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
            for line in unfolded.components(separatedBy: "\r\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// The body, quoted-printable decoded.
        public var textBody: String {
            let body = data.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            return Self.decodeQuotedPrintable(body)
        }

        static func decodeQuotedPrintable(_ text: String) -> String {
            let joined = text.replacingOccurrences(of: "=\r\n", with: "")
            var bytes: [UInt8] = []
            var utf8 = Array(joined.utf8)[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "="), utf8.count >= 2,
                    let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                    utf8 = utf8.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        }
    }

    /// How the server behaves.
    public struct Options: Sendable {
        /// AUTH PLAIN is offered and required before `MAIL`.
        public var credentials: (username: String, password: String)?
        /// STARTTLS is offered with this context.
        public var tls: NIOSSLContext?
        /// `RCPT` to these addresses is refused with 550.
        public var refusedRecipients: Set<String> = []
        /// The first this many messages are answered 451 (try again later) after `DATA`.
        public var transientFailures = 0

        public init() {}
    }

    public let port: Int
    private let channel: any Channel
    private let received = Mutex<[Mail]>([])

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    public static func start(_ options: Options = Options()) async throws -> SMTPTestServer {
        let box = Recorder(failures: options.transientFailures)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPSessionHandler(options: options, recorder: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = SMTPTestServer(port: channel.localAddress?.port ?? 0, channel: channel)
        box.server.withLock { $0 = server }
        return server
    }

    public var messages: [Mail] { received.withLock { $0 } }

    /// Waits until at least `count` messages arrived (failing after `timeout`).
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [Mail] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let messages = self.messages
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SMTPTestServerError.timedOut(expected: count, received: messages.count)
    }

    public func stop() async throws { try await channel.close() }

    fileprivate func record(_ mail: Mail) { received.withLock { $0.append(mail) } }
}

public enum SMTPTestServerError: Error {
    case timedOut(expected: Int, received: Int)
}

/// Shared between the connections of one server.
private final class Recorder: Sendable {
    let server = Mutex<SMTPTestServer?>(nil)
    let failures: Mutex<Int>

    init(failures: Int) { self.failures = Mutex(failures) }

    /// Whether this message is to be refused with a transient error.
    func takeFailure() -> Bool {
        failures.withLock { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
    }

    func record(_ mail: SMTPTestServer.Mail) { server.withLock { $0 }?.record(mail) }
}

/// One connection's conversation.
private final class SMTPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let options: SMTPTestServer.Options
    let recorder: Recorder
    var pending = ""
    var inData = false
    var dataLines: [String] = []
    var sender: String?
    var recipients: [String] = []
    var authenticatedAs: String?
    var overTLS = false

    init(options: SMTPTestServer.Options, recorder: Recorder) {
        self.options = options
        self.recorder = recorder
    }

    func channelActive(context: ChannelHandlerContext) {
        reply("220 tidings-test ESMTP", context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let range = pending.range(of: "\r\n") {
            let line = String(pending[..<range.lowerBound])
            pending.removeSubrange(..<range.upperBound)
            handle(line, context: context)
        }
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        if inData {
            guard line != "." else {
                inData = false
                finishMessage(context: context)
                return
            }
            dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            return
        }
        let verb = line.prefix { $0 != " " && $0 != ":" }.uppercased()
        let argument = line.drop { $0 != " " && $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
        switch verb {
        case "EHLO", "HELO":
            var lines = ["250-tidings-test"]
            if options.tls != nil, !overTLS { lines.append("250-STARTTLS") }
            if options.credentials != nil { lines.append("250-AUTH PLAIN") }
            lines.append("250 8BITMIME")
            reply(lines.joined(separator: "\r\n"), context: context)
        case "STARTTLS":
            guard let tls = options.tls, !overTLS else { return reply("502 not offered", context: context) }
            reply("220 go ahead", context: context)
            overTLS = true
            _ = try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        case "AUTH":
            let parts = argument.split(separator: " ")
            guard parts.first?.uppercased() == "PLAIN", parts.count == 2,
                let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) })
            else { return reply("504 unsupported", context: context) }
            let fields = decoded.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            if let credentials = options.credentials, fields.count == 3, fields[1] == credentials.username,
                fields[2] == credentials.password
            {
                authenticatedAs = fields[1]
                reply("235 authenticated", context: context)
            } else {
                reply("535 5.7.8 authentication failed", context: context)
            }
        case "MAIL":
            if options.credentials != nil, authenticatedAs == nil {
                return reply("530 5.7.0 authentication required", context: context)
            }
            sender = Self.address(argument)
            recipients = []
            reply("250 ok", context: context)
        case "RCPT":
            let address = Self.address(argument)
            if options.refusedRecipients.contains(address) { return reply("550 no such user", context: context) }
            recipients.append(address)
            reply("250 ok", context: context)
        case "DATA":
            guard sender != nil, !recipients.isEmpty else { return reply("503 bad sequence", context: context) }
            inData = true
            dataLines = []
            reply("354 end with .", context: context)
        case "RSET", "NOOP":
            reply("250 ok", context: context)
        case "QUIT":
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 bye\r\n"))).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        default:
            reply("500 unknown command", context: context)
        }
    }

    private func finishMessage(context: ChannelHandlerContext) {
        if recorder.takeFailure() { return reply("451 4.3.0 try again later", context: context) }
        recorder.record(
            SMTPTestServer.Mail(
                sender: sender ?? "", recipients: recipients, data: dataLines.joined(separator: "\r\n") + "\r\n",
                authenticatedAs: authenticatedAs, overTLS: overTLS))
        sender = nil
        recipients = []
        reply("250 queued", context: context)
    }

    /// `FROM:<a@b>` → `a@b`.
    private static func address(_ argument: String) -> String {
        guard let open = argument.firstIndex(of: "<"), let close = argument.firstIndex(of: ">") else { return argument }
        return String(argument[argument.index(after: open)..<close])
    }
}
