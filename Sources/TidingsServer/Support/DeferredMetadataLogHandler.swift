import Logging

/// swift-log's `StreamLogHandler` with one difference: metadata is rendered when a line is
/// written, not each time it is set.
///
/// Hummingbird gives every request's logger a request id. `StreamLogHandler` turns its metadata
/// into text on every change, so each request paid for formatting a line that, at the default
/// level, was never written: about 4% of a trivial request's CPU. This handler keeps the metadata
/// as it is and hands it to the stream handler only for a line that is written, so the output is
/// the stream handler's, byte for byte.
public struct DeferredMetadataLogHandler: LogHandler {
    /// Writes the lines; its own metadata stays empty until a line is written.
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(_ stream: StreamLogHandler) {
        self.stream = stream
    }

    /// Lines to standard error, as swift-log does by default.
    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider?) -> Self {
        Self(StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider))
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var stream = stream
        stream.metadata = metadata
        stream.log(event: event)
    }
}
