import Logging
import Synchronization
import Testing
import TidingsServer

/// The server's log handler writes exactly what swift-log's stream handler writes.
@Suite struct DeferredMetadataLogHandlerTests {
    /// Collects what a handler writes.
    final class Capture: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        /// The lines without their leading timestamp, which differs between two handlers' lines.
        var lines: [String] {
            text.withLock { $0 }.split(separator: "\n").map { String($0.drop { $0 != " " }) }
        }
    }

    /// Logs the same things through a logger with `handler`: metadata set, changed and removed,
    /// explicit metadata, and a line below the level.
    static func exercise(_ handler: any LogHandler) {
        var logger = Logger(label: "tidings") { _ in handler }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "path"] = "/api/lists"
        logger.notice("first", metadata: ["extra": "1", "list": ["a", "b"]])
        logger[metadataKey: "path"] = nil
        logger[metadataKey: "user"] = "Zoë ✉️"
        logger.debug("not written")
        logger.warning("second")
        logger.handler.metadata = [:]
        logger.error("third")
    }

    @Test("every line equals the stream handler's, metadata included, and nothing below the level is written")
    func sameOutput() {
        let expected = Capture()
        let actual = Capture()
        Self.exercise(StreamLogHandler(label: "tidings", stream: expected, metadataProvider: nil))
        Self.exercise(
            DeferredMetadataLogHandler(StreamLogHandler(label: "tidings", stream: actual, metadataProvider: nil)))
        #expect(actual.lines.count == 3)
        #expect(actual.lines == expected.lines)
        #expect(actual.lines.first?.contains(#"extra=1 hb.request.id=42 list=["a", "b"] path=/api/lists"#) == true)
        #expect(actual.lines[1].contains("hb.request.id=42 user=Zoë ✉️"))
        #expect(actual.lines.last == " error tidings: [TidingsServerTests] third")
    }
}
