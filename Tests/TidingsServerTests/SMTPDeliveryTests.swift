import Foundation
import Logging
import NIOSSL
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsMail
@testable import TidingsServer

/// The SMTP client, the delivery queue and the MIME rendering, against a real SMTP server.
@Suite struct SMTPDeliveryTests {
    static let message = MailMessage(
        from: "Ça Va <news@example.com>", to: ["reader@example.com"], subject: "Grüße — \u{1F4EC} weekly",
        textBody: ".starts with a dot\nÜnïcode line\n" + String(repeating: "long ", count: 40) + "\ntrailing space \n")

    static func settings(port: Int, _ security: SMTPSettings.Security = .none) -> SMTPSettings {
        var settings = SMTPSettings(host: "127.0.0.1")
        settings.port = port
        settings.security = security
        settings.timeout = .seconds(10)
        return settings
    }

    @Test("a message arrives intact: dot-stuffing, quoted-printable and encoded words round-trip")
    func roundTrip() async throws {
        let server = try await SMTPTestServer.start()
        defer { Task { try? await server.stop() } }
        try await SMTPClient(settings: Self.settings(port: server.port)).send(Self.message)
        let mail = try await server.waitForMessages(1)[0]
        #expect(mail.sender == "news@example.com")
        #expect(mail.textBody == Self.message.textBody)
        #expect(mail.header("Subject")?.hasPrefix("=?utf-8?b?") == true)
        #expect(mail.header("From")?.hasSuffix(" <news@example.com>") == true)
        #expect(mail.header("Message-ID")?.hasSuffix("@example.com>") == true)
        // Every line of the wire form is 7-bit and at most 78 characters.
        for line in mail.data.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
            #expect(line.utf8.allSatisfy { $0 < 128 }, "\(line)")
        }
    }

    @Test("no header can be injected through the subject, the sender name or extra headers")
    func headerInjection() throws {
        var message = Self.message
        message.subject = "Hi\r\nBcc: victim@example.com"
        message.from = "Evil\nBcc: x@example.com <news@example.com>"
        message.headers = [("X-Ok", "a\r\nBcc: y@example.com"), ("Bad Name", "v"), ("Bcc:", "z")]
        let text = MIMEMessage.render(message, date: Date(timeIntervalSince1970: 0), messageID: "id@example.com")
        let head = try #require(text.components(separatedBy: "\r\n\r\n").first)
        #expect(!head.components(separatedBy: "\r\n").contains { $0.lowercased().hasPrefix("bcc") })
        #expect(head.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
    }

    @Test("STARTTLS and AUTH PLAIN: the password only travels inside TLS")
    func startTLSWithAuthentication() async throws {
        var options = SMTPTestServer.Options()
        options.tls = try TestCertificate.serverContext()
        options.credentials = ("mailer", "s3cret pass")
        let server = try await SMTPTestServer.start(options)
        defer { Task { try? await server.stop() } }
        var settings = Self.settings(port: server.port, .starttls)
        settings.username = "mailer"
        settings.password = "s3cret pass"
        settings.skipCertificateVerification = true
        try await SMTPClient(settings: settings).send(Self.message)
        let mail = try await server.waitForMessages(1)[0]
        #expect(mail.overTLS)
        #expect(mail.authenticatedAs == "mailer")

        // Verification on (the default) refuses the self-signed certificate.
        settings.skipCertificateVerification = false
        await #expect(throws: (any Error).self) { try await SMTPClient(settings: settings).send(Self.message) }
        // A wrong password is a permanent failure that names the command, never the secret.
        settings.skipCertificateVerification = true
        settings.password = "wrong"
        do {
            try await SMTPClient(settings: settings).send(Self.message)
            Issue.record("a wrong password was accepted")
        } catch let error as SMTPError {
            #expect(!error.isTransient)
            #expect("\(error)".contains("AUTH PLAIN refused: 535"))
            #expect(!"\(error)".contains("wrong"))
        }
    }

    @Test("STARTTLS required but not offered: a clear, permanent error")
    func startTLSMissing() async throws {
        let server = try await SMTPTestServer.start()
        defer { Task { try? await server.stop() } }
        do {
            try await SMTPClient(settings: Self.settings(port: server.port, .starttls)).send(Self.message)
            Issue.record("sent without the TLS the settings require")
        } catch let error as SMTPError {
            #expect(!error.isTransient)
            #expect("\(error)".contains("does not offer STARTTLS"))
        }
        #expect(server.messages.isEmpty)
    }

    @Test("a refused recipient is permanent; a 451 is retried until it is delivered")
    func retries() async throws {
        var options = SMTPTestServer.Options()
        options.refusedRecipients = ["gone@example.com"]
        options.transientFailures = 2
        let server = try await SMTPTestServer.start(options)
        defer { Task { try? await server.stop() } }
        let queue = MailQueue(
            sender: SMTPClient(settings: Self.settings(port: server.port)),
            retryDelays: [.milliseconds(10), .milliseconds(10), .milliseconds(10)], logger: Logger(label: "test"))
        let running = Task { try await queue.run() }
        defer { running.cancel() }
        var gone = Self.message
        gone.to = ["gone@example.com"]
        try queue.enqueue(gone)
        try queue.enqueue(Self.message)
        let delivered = try await server.waitForMessages(1)
        #expect(delivered.map(\.recipients) == [["reader@example.com"]])
    }

    @Test("a full queue refuses at once instead of waiting")
    func fullQueue() throws {
        let queue = MailQueue(sender: nil, capacity: 2, logger: Logger(label: "test"))
        try queue.enqueue(Self.message)
        try queue.enqueue(Self.message)
        #expect(throws: MailOutboxError.full) { try queue.enqueue(Self.message) }
    }

    @Test("a server that never answers times out")
    func silentServer() async throws {
        let silent = try LoopbackSocket(listening: true)  // accepts, never says a word
        defer { silent.close() }
        var settings = Self.settings(port: silent.port)
        settings.timeout = .milliseconds(300)
        do {
            try await SMTPClient(settings: settings).send(Self.message)
            Issue.record("a silent server was taken for a working one")
        } catch let error as SMTPError {
            #expect(error.isTransient)
            #expect("\(error)".contains("did not finish in time"))
        }
    }

    @Test("reply parsing: multi-line replies, bare codes, and garbage")
    func replies() throws {
        var parser = SMTPReplyParser()
        parser.append(.init(string: "250-first\r\n250-AUTH PLAIN\r\n250 last\r\n220\r\n"))
        #expect(try parser.nextReply() == SMTPReply(code: 250, lines: ["first", "AUTH PLAIN", "last"]))
        #expect(try parser.nextReply() == SMTPReply(code: 220, lines: [""]))
        #expect(try parser.nextReply() == nil)
        parser.append(.init(string: "hello there\r\n"))
        #expect(throws: SMTPError.self) { try parser.nextReply() }
        var long = SMTPReplyParser()
        long.append(.init(string: String(repeating: "2", count: 5_000)))
        #expect(throws: SMTPError.self) { try long.nextReply() }
    }
}

/// A self-signed certificate for the test server, made by Debian's `openssl`.
enum TestCertificate {
    static func serverContext() throws -> NIOSSLContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tidings-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", key, "-out", certificate,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }
}
