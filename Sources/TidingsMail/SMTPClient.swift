import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TidingsCore

/// Delivers one message to a mail server. `MailQueue` calls it for each message it drains; the
/// campaign sender will too.
public protocol MailSender: Sendable {
    /// Sends `message` or throws: `SMTPError` says whether trying again later can help.
    func send(_ message: MailMessage) async throws
}

/// An SMTP client (RFC 5321) for one message per connection: greeting, `EHLO`, `STARTTLS` or
/// implicit TLS as configured, `AUTH PLAIN`/`LOGIN` when credentials are set, then `MAIL`,
/// `RCPT`, `DATA` and `QUIT`. The whole conversation is bounded by `settings.timeout`.
public struct SMTPClient: MailSender {
    let settings: SMTPSettings
    var group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    var clock: WallClock = .system

    public init(
        settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: WallClock = .system
    ) {
        self.settings = settings
        self.group = group
        self.clock = clock
    }

    public func send(_ message: MailMessage) async throws {
        let domain = message.envelopeSender.split(separator: "@").last.map(String.init) ?? "localhost"
        let data = MIMEMessage.render(
            message, date: clock.now(), messageID: "\(UUID().lowercasedText)@\(domain)")
        let channel = try await connect()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await converse(on: channel, message: message, data: data) }
                group.addTask {
                    try await Task.sleep(for: settings.timeout)
                    channel.channel.close(promise: nil)  // wakes a conversation stuck on a silent server
                    throw SMTPError.timedOut
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            channel.channel.close(promise: nil)
            throw error
        }
        channel.channel.close(promise: nil)
    }

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let tls = settings.security == .tls ? try tlsContext() : nil
        let hostname = serverHostname
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: hostname))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError.protocolViolation("cannot connect to \(settings.host):\(settings.port): \(error)")
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if settings.skipCertificateVerification { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The name the certificate must carry (SNI); none for an IP address.
    private var serverHostname: String? {
        settings.host.first?.isNumber == true || settings.host.contains(":") ? nil : settings.host
    }

    /// Turns a plain connection into TLS after the server agreed to `STARTTLS`.
    private func startTLS(on channel: any Channel) async throws {
        let context = try tlsContext()
        let hostname = serverHostname
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: hostname), position: .first)
        }.get()
    }

    private func converse(
        on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, message: MailMessage, data: String
    ) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var conversation = SMTPConversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await conversation.expect("greeting", codes: [220])
            var extensions = try await conversation.hello(settings.helloName)
            if settings.security == .starttls {
                guard extensions.contains("STARTTLS") else {
                    throw SMTPError.unsupported(
                        "\(settings.host) does not offer STARTTLS; set TIDINGS_SMTP_TLS to tls or none")
                }
                try await conversation.command("STARTTLS", expecting: [220])
                try await startTLS(on: channel.channel)
                extensions = try await conversation.hello(settings.helloName)
            }
            if let username = settings.username, !username.isEmpty {
                try await conversation.authenticate(
                    username: username, password: settings.password ?? "", extensions: extensions)
            }
            try await conversation.command("MAIL FROM:<\(message.envelopeSender)>", expecting: [250])
            for recipient in message.to {
                try await conversation.command("RCPT TO:<\(recipient)>", expecting: [250, 251])
            }
            try await conversation.command("DATA", expecting: [354])
            try await conversation.command(MIMEMessage.dotStuffed(data), expecting: [250], raw: true, name: "message")
            _ = try? await conversation.command("QUIT", expecting: [221])
        }
    }
}

/// The command-and-reply half of an SMTP session over an async channel.
private struct SMTPConversation {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var parser = SMTPReplyParser()

    init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    mutating func reply() async throws -> SMTPReply {
        while true {
            if let reply = try parser.nextReply() { return reply }
            guard let bytes = try await inbound.next() else {
                throw SMTPError.protocolViolation("the server closed the connection")
            }
            parser.append(bytes)
        }
    }

    mutating func expect(_ name: String, codes: Set<Int>) async throws {
        let reply = try await reply()
        guard codes.contains(reply.code) else { throw SMTPError.rejected(command: name, reply: reply) }
    }

    /// Sends `line` (with CRLF unless `raw`) and checks the reply's code. `name` is what an error
    /// calls the command: never the line itself, which may hold a credential.
    @discardableResult
    mutating func command(
        _ line: String, expecting codes: Set<Int>, raw: Bool = false, name: String? = nil
    ) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: raw ? line : line + "\r\n"))
        let reply = try await reply()
        let label = name ?? String(line.prefix { $0 != " " && $0 != ":" })
        guard codes.contains(reply.code) else { throw SMTPError.rejected(command: label, reply: reply) }
        return reply
    }

    /// `EHLO`: the extension keywords the server offers (`STARTTLS`, `AUTH PLAIN LOGIN`, …).
    mutating func hello(_ name: String) async throws -> Set<String> {
        let reply = try await command("EHLO \(name)", expecting: [250])
        var keywords = Set<String>()
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            keywords.insert(first)
            if first == "AUTH" { for mechanism in words.dropFirst() { keywords.insert("AUTH=\(mechanism)") } }
        }
        return keywords
    }

    mutating func authenticate(username: String, password: String, extensions: Set<String>) async throws {
        if extensions.contains("AUTH=PLAIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(token)", expecting: [235], name: "AUTH PLAIN")
        } else if extensions.contains("AUTH=LOGIN") {
            try await command("AUTH LOGIN", expecting: [334])
            try await command(Data(username.utf8).base64EncodedString(), expecting: [334], name: "AUTH LOGIN username")
            try await command(Data(password.utf8).base64EncodedString(), expecting: [235], name: "AUTH LOGIN password")
        } else {
            throw SMTPError.unsupported(
                "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN"
                    + (extensions.contains("STARTTLS") ? " before STARTTLS (set TIDINGS_SMTP_TLS=starttls)" : ""))
        }
    }
}
