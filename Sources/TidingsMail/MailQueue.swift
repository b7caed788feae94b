import Logging
import ServiceLifecycle
import TidingsCore

/// The in-process delivery queue: `enqueue` takes a message at once (or refuses when `capacity`
/// are waiting), and `run`, a service of the application, delivers them one after the other,
/// retrying transient failures. On shutdown it stops taking mail, stops waiting to retry, and
/// tries what is queued once each within the shutdown grace period.
///
/// The queue lives in memory, as listmonk's does: a message queued when the process dies is lost
/// (an opt-in mail can be sent again with `POST /api/subscribers/{id}/optin`).
public final class MailQueue: MailOutbox, Service {
    private let stream: AsyncStream<MailMessage>
    private let continuation: AsyncStream<MailMessage>.Continuation
    private let sender: (any MailSender)?
    private let retryDelays: [Duration]
    private let logger: Logger

    /// `sender` nil: no SMTP server is configured, and each message is logged and dropped.
    public init(
        sender: (any MailSender)?, capacity: Int = 10_000,
        retryDelays: [Duration] = [.seconds(5), .seconds(30), .seconds(120)], logger: Logger
    ) {
        (stream, continuation) = AsyncStream.makeStream(
            of: MailMessage.self, bufferingPolicy: .bufferingOldest(capacity))
        self.sender = sender
        self.retryDelays = retryDelays
        self.logger = logger
    }

    public func enqueue(_ message: MailMessage) throws {
        switch continuation.yield(message) {
        case .enqueued: return
        case .dropped, .terminated:
            logger.error(
                "mail queue full or closed: a message was refused", metadata: ["subject": "\(message.subject)"])
            throw MailOutboxError.full
        @unknown default: throw MailOutboxError.full
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await message in stream { await deliver(message) }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }

    private func deliver(_ message: MailMessage) async {
        let metadata: Logger.Metadata = ["to": "\(message.to.joined(separator: ","))", "subject": "\(message.subject)"]
        guard let sender else {
            logger.warning("no SMTP server is configured (TIDINGS_SMTP_HOST): mail not sent", metadata: metadata)
            return
        }
        var attempt = 0
        while true {
            do {
                try await sender.send(message)
                logger.info("mail sent", metadata: metadata)
                return
            } catch {
                let transient = (error as? SMTPError)?.isTransient ?? true
                // A shutdown does not wait for retries: the rest of the queue gets one try each.
                guard transient, attempt < retryDelays.count, !Task.isCancelled, !Task.isShuttingDownGracefully else {
                    logger.error(
                        "mail not delivered", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                    return
                }
                logger.warning(
                    "mail delivery failed; will retry",
                    metadata: metadata.merging(["error": "\(error)", "retry_in": "\(retryDelays[attempt])"]) { $1 })
                let delay = retryDelays[attempt]
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                attempt += 1
            }
        }
    }
}
